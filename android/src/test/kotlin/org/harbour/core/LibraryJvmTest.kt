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

    private val y = TriageAnswer.YES
    private val n = TriageAnswer.NO
    private val unsure = TriageAnswer.NOT_SURE

    @Test fun triageOpensWithTheSafetyDoorAndAnswersItWithHelpForTheAge() {
        val h = open()
        val first = h.triage(emptyList(), null) as TriageStep.Question
        assertEquals(1, first.question.number)
        assertTrue(first.question.text.contains("ending your life"))
        assertTrue(first.question.redFlag)
        // "Not sure" counts as yes: help first, 999 apart, the plan, then the injury questions.
        val safety = h.triage(listOf(unsure), 15) as TriageStep.Outcome
        assertEquals(Urgency.CALL999, safety.outcome.urgency)
        assertTrue(safety.outcome.showPlan)
        assertTrue(safety.outcome.help.emergency.any { it.contact == "999" })
        val ids = safety.outcome.help.options.map { it.serviceId }
        assertEquals(listOf("samaritans", "shout"), ids.take(2))
        assertTrue("a 15-year-old is offered Childline: $ids", ids.contains("childline"))
        assertTrue(safety.outcome.then != null)
        val adult = h.triage(listOf(y), 30) as TriageStep.Outcome
        assertFalse(adult.outcome.help.options.any { it.serviceId == "childline" })
    }

    @Test fun injuryRedFlagsLeadTo999OrAAndEAndEveryOutcomeCarriesHelp() {
        val h = open()
        // Not hurt: support, with people to talk to.
        val notHurt = h.triage(listOf(n, n), null) as TriageStep.Outcome
        assertEquals(Urgency.SUPPORT, notHurt.outcome.urgency)
        assertFalse(notHurt.outcome.help.options.isEmpty())
        // Hurt, and "not sure" whether something was swallowed: A&E.
        val swallowed = h.triage(listOf(n, y, n, n, unsure), null) as TriageStep.Outcome
        assertEquals(Urgency.GO_TO_AE, swallowed.outcome.urgency)
        // A blistered arm burn: A&E.
        val burn = h.triage(listOf(n, y) + List(8) { n } + listOf(y), null) as TriageStep.Outcome
        assertEquals(Urgency.GO_TO_AE, burn.outcome.urgency)
        // Nothing wrong: self-care, still with help and signs to watch for.
        val home = h.triage(listOf(n, y) + List(12) { n }, null) as TriageStep.Outcome
        assertEquals(Urgency.SELF_CARE, home.outcome.urgency)
        assertFalse(home.outcome.watchFor.isEmpty())
        assertFalse(home.outcome.help.options.isEmpty())
        assertEquals("20 minutes", h.libraryMessage("minutes", 20L))
    }
}
