package org.harbour.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import kotlinx.coroutines.runBlocking

/** The safety plan, the supported session and sharing through the generated Kotlin. */
class PlanJvmTest {
    @get:Rule val tmp = TemporaryFolder()

    private val pin = "482915".toByteArray()

    private fun open(ks: PlatformKeyStore): Harbour =
        Harbour.open(HarbourConfig(tmp.root.absolutePath, "en-GB", KdfSetting.TestingOnly), ks)

    @Test fun quickAccessSectionsNeedNoSecretAndPrivateOnesStayPrivate() = runBlocking<Unit> {
        val ks = AesGcmTestKeyStore()
        val h = open(ks)
        h.createVault(pin.copyOf())
        h.addPlanItem(PlanSectionKind.PEOPLE_TO_ASK, "Sam", "by text", null)
        h.addPlanItem(PlanSectionKind.WARNING_SIGNS, "PRIVATE not sleeping", null, null)
        h.setPlanQuickAccess(PlanSectionKind.PEOPLE_TO_ASK, true)
        h.lock()
        val quick = open(ks).quickAccess()
        assertEquals(listOf(PlanSectionKind.PEOPLE_TO_ASK), quick.sections.map { it.section })
        assertEquals("by text", quick.sections.single().items.single().contact)
    }

    @Test fun supportedSessionHidesNotesUntilTheSecret() = runBlocking<Unit> {
        val h = open(AesGcmTestKeyStore())
        h.createVault(pin.copyOf())
        h.addNote("private", emptyList())
        val first = h.beginSupportedSession()
        assertEquals(PlanSectionKind.WARNING_SIGNS, first.section)
        assertEquals(8, first.total)
        assertThrowsSuspend<HarbourException.SessionActive> { h.listNotes() }
        h.addPlanItem(first.section, "Not sleeping", null, null)
        val next = h.supportedSessionNext() as SessionProgress.At
        assertEquals(PlanSectionKind.ON_MY_OWN, next.step.section)
        assertThrowsSuspend<HarbourException.WrongSecret> { h.endSupportedSession("000001".toByteArray()) }
        assertThrowsSuspend<HarbourException.SessionActive> { h.listNotes() }
        h.endSupportedSession(pin.copyOf())
        assertFalse(h.supportedSessionActive())
        assertEquals(1, h.listNotes().notes.size)
    }

    @Test fun historyAndShare() = runBlocking<Unit> {
        val h = open(AesGcmTestKeyStore())
        h.createVault(pin.copyOf())
        h.addPlanItem(PlanSectionKind.ON_MY_OWN, "Music", null, null)
        h.addPlanItem(PlanSectionKind.ON_MY_OWN, "A walk", null, null)
        h.removePlanItem(PlanSectionKind.ON_MY_OWN, 0)
        assertEquals(listOf(3L, 2L, 1L), h.planHistory().map { it.version })
        val restored = h.restorePlanVersion(2L)
        assertEquals(listOf("Music", "A walk"), restored.sections[1].items.map { it.text })
        val html = h.sharePlan(ShareOptions(listOf(PlanSectionKind.ON_MY_OWN), ShareFormat.HTML, null, false))
        assertTrue(html.contains("<h2 id=\"on_my_own\">Things I can do on my own</h2>"))
        assertFalse(html.contains("<script"))
        assertFalse(html.contains("My warning signs"))
    }
}
