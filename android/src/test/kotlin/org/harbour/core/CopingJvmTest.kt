package org.harbour.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import kotlinx.coroutines.runBlocking

/** The guided moment, the toolbox and private check-ins through the generated Kotlin. */
class CopingJvmTest {
    @get:Rule val tmp = TemporaryFolder()

    private val pin = "482915".toByteArray()

    private fun open(ks: PlatformKeyStore): Harbour =
        Harbour.open(HarbourConfig(tmp.root.absolutePath, "en-GB", KdfSetting.TestingOnly), ks)

    private fun query() = HelpQuery(null, 15, null, emptyList(), emptyList(), false)

    @Test fun aMomentNeedsNoUnlockAndWorseLeadsTo999AndTheFirstDoor() = runBlocking<Unit> {
        val h = open(AesGcmTestKeyStore())
        assertEquals(Feeling.values().size, h.copingFeelings().size)
        val m = h.copingMoment(Feeling.NUMB)
        assertTrue(m.ideas.isNotEmpty())
        assertTrue(m.ideas.all { Feeling.NUMB in it.feelings })
        assertTrue(m.breathing.breatheOutSeconds > m.breathing.breatheInSeconds)
        assertFalse(m.breathing.clinicallyReviewed)
        assertEquals(listOf(HowNow.BETTER, HowNow.SAME, HowNow.WORSE_OR_NOT_SAFE), m.answers.map { it.answer })

        val worse = h.afterMoment(Feeling.NUMB, HowNow.WORSE_OR_NOT_SAFE, emptyList(), query()) as AfterMoment.GetHelp
        assertEquals("999", worse.help.emergency.first().contact)
        assertTrue(worse.help.options.any { it.open == OpenKind.ALWAYS_OPEN })
        assertEquals(1, worse.firstDoor.number)
        assertTrue(worse.firstAid.isNotEmpty())
        val same = h.afterMoment(Feeling.NUMB, HowNow.SAME, m.ideas.map { it.id }, query()) as AfterMoment.TryAnother
        assertTrue(same.ideas.none { idea -> m.ideas.any { it.id == idea.id } })
        assertTrue(h.afterMoment(null, HowNow.BETTER, emptyList(), query()) is AfterMoment.Done)
    }

    @Test fun theToolboxShapesTheMomentAndItsOwnIdeasStayPrivate() = runBlocking<Unit> {
        val ks = AesGcmTestKeyStore()
        val h = open(ks)
        h.createVault(pin.copyOf())
        h.setIdeaFavourite("strong-taste", true)
        h.setIdeaHidden("cold-water", true)
        val box = h.addOwnIdea("Hold my cat Biscuit", listOf(Feeling.NUMB), 5, true)
        val mine = box.ideas.single { it.own }
        assertEquals("Hold my cat Biscuit", mine.title)
        assertEquals("Hold my cat Biscuit", h.plan().sections[1].items.single().text)
        val ideas = h.copingMoment(Feeling.NUMB).ideas.map { it.id }
        assertEquals("strong-taste", ideas.first())
        assertFalse("cold-water" in ideas)
        assertEquals(mine.id, h.moveIdea(mine.id, 0).ideas.first().id)
        assertThrowsSuspend<HarbourException.InvalidInput> { h.addOwnIdea("x", emptyList(), 7, false) }
        assertThrowsSuspend<HarbourException.InvalidInput> { h.moveIdea(mine.id, -1) }
        assertThrowsSuspend<HarbourException.NotFound> { h.setIdeaHidden("no-such-idea", true) }
        h.lock()
        assertTrue(open(ks).copingMoment(Feeling.NUMB).ideas.none { it.own })
    }

    @Test fun checkInsArePrivateRankedWithoutCountsAndInTheBackup() = runBlocking<Unit> {
        val ks = AesGcmTestKeyStore()
        val h = open(ks)
        h.createVault(pin.copyOf())
        assertEquals(5, h.strengthLabels().size)
        val first = h.addCheckin(Feeling.ANGRY_OR_RESTLESS, 4, "after the group chat",
            listOf(TriedThing("Ripped paper", "rip-paper", Helped.YES), TriedThing("TV", null, Helped.NO)))
        h.addCheckin(null, 2, null, listOf(TriedThing("Rip up paper", "rip-paper", Helped.A_LITTLE)))
        assertEquals(2, h.listCheckins().checkins.size)
        // Both check-ins may share a millisecond, so which wording is newest is not fixed here.
        assertEquals(listOf("rip-paper"), h.whatHasHelped().map { it.idea })
        assertThrowsSuspend<HarbourException.InvalidInput> { h.addCheckin(null, 0, null, emptyList()) }
        assertThrowsSuspend<HarbourException.InvalidInput> { h.addCheckin(null, 300, null, emptyList()) }

        h.setCheckinQuickAccess(first.id, true)
        h.lock()
        val quick = open(ks).quickAccess().checkins
        assertEquals(listOf("after the group chat"), quick.map { it.before })
        assertThrowsSuspend<HarbourException.Locked> { h.listCheckins() }

        h.unlock(pin.copyOf())
        val passphrase = "correct horse battery staple 42"
        val backup = h.exportBackup(passphrase.toByteArray())
        h.deleteCheckin(first.id)
        assertEquals(1, h.listCheckins().checkins.size)

        // The backup carries both check-ins to a new phone.
        val other = Harbour.open(
            HarbourConfig(tmp.newFolder().absolutePath, "en-GB", KdfSetting.TestingOnly), AesGcmTestKeyStore())
        other.createVault(pin.copyOf())
        assertEquals(2, other.restoreBackup(backup, passphrase.toByteArray()).checkins)
        assertEquals(setOf("after the group chat", null), other.listCheckins().checkins.map { it.before }.toSet())
    }
}
