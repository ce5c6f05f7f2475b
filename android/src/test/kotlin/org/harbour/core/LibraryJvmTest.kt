package org.harbour.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

/** The first-aid library and triage through the generated Kotlin: no unlock needed. */
class LibraryJvmTest {
    @get:Rule val tmp = TemporaryFolder()

    private fun open(): Harbour =
        Harbour.open(HarbourConfig(tmp.root.absolutePath, "en-GB", KdfSetting.TestingOnly), AesGcmTestKeyStore())

    @Test fun cardsAreHonestAboutClinicalReview() {
        val h = open()
        val cards = h.cards(CardFilter(kind = CardKind.FIRST_AID, topic = null, audience = null))
        assertTrue(cards.any { it.id == "burns" })
        assertTrue(cards.none { it.clinicallyReviewed })
        val cuts = h.card("cuts-stop-bleeding")
        assertTrue(cuts.redFlags.all { it.action == EmergencyAction.CALL999 || it.action == EmergencyAction.GO_TO_AE })
        assertTrue(cuts.steps.first().startsWith("Press firmly"))
        assertTrue(h.card("signs-of-infection").body.any { it.kind == BlockKind.BULLETS })
    }

    @Test fun triageRedFlagLeadsToAAndE() {
        val h = open()
        val first = h.triage(emptyList()) as TriageStep.Question
        assertEquals(1u, first.question.number)
        assertTrue(first.question.redFlag)
        val swallowed = h.triage(listOf(false, true)) as TriageStep.Outcome
        assertEquals(Urgency.GO_TO_AE, swallowed.outcome.urgency)
        val home = h.triage(List(8) { false }) as TriageStep.Outcome
        assertEquals(Urgency.SELF_CARE, home.outcome.urgency)
        assertFalse(home.outcome.watchFor.isEmpty())
        assertEquals("20 minutes", h.libraryMessage("minutes", 20uL))
    }
}
