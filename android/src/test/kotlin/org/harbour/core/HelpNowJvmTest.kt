package org.harbour.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import java.time.Instant
import kotlinx.coroutines.runBlocking

/** Help now through the generated Kotlin: no vault, no unlock, no network. */
class HelpNowJvmTest {
    @get:Rule val tmp = TemporaryFolder()

    private fun open(): Harbour =
        Harbour.open(HarbourConfig(tmp.root.absolutePath, "en-GB", KdfSetting.TestingOnly), AesGcmTestKeyStore())

    // Saturday 21 November 2026, 03:00 in London (GMT).
    private val threeAm = Instant.ofEpochMilli(1_795_230_000_000L)

    @Test fun aFifteenYearOldInTorbayAtThreeInTheMorningByText() {
        val h = open()
        val answer = h.helpNow(
            HelpQuery(at = threeAm, age = 15, area = "Torbay", channels = listOf(ChannelKind.TEXT),
                topics = emptyList(), forProfessionals = false)
        )
        assertEquals("999", answer.emergency.first().contact)
        assertTrue(answer.areaFound)
        assertEquals(listOf("E06000027"), answer.areaCodes)
        val shout = answer.options.first()
        assertEquals("shout", shout.serviceId)
        assertEquals("Text SHOUT to 85258", shout.how)
        assertEquals(OpenKind.ALWAYS_OPEN, shout.open)
        // The link opens the message ready to send, keyword and all.
        assertEquals("sms:85258?body=SHOUT", shout.uri)
        assertTrue(answer.options.all { it.channel == ChannelKind.TEXT })
        assertEquals(VaultState.NoVault, h.vaultState())
    }

    @Test fun neverEmptyAndExplained() {
        val h = open()
        for (area in listOf(null, "Kent", "Nowhere", "TQ1")) {
            val a = h.helpNow(HelpQuery(threeAm, 40, area, listOf(ChannelKind.EMAIL), emptyList(), false))
            assertTrue(a.options.isNotEmpty())
            assertTrue(a.options.any { it.open == OpenKind.ALWAYS_OPEN && it.live })
            assertTrue(a.emergency.any { it.contact == "999" })
        }
        val glos = h.helpNow(HelpQuery(threeAm, 15, "Gloucestershire", emptyList(), emptyList(), false))
        val crisis = glos.options.first { it.serviceId == "ghc-crisis-line" }
        assertEquals("for people aged 11 and over in Gloucestershire", crisis.why)
        assertTrue(crisis.local)
    }

    @Test fun areasServicesAndPackInfo() {
        val h = open()
        assertEquals(11, h.areas().size)
        val defunct = h.service("glos-self-harm-helpline", threeAm)
        assertFalse(defunct.active)
        assertTrue(defunct.options.isEmpty())
        assertEquals(listOf("ghc-crisis-line", "samaritans"), defunct.redirectTo)
        val info = h.directoryInfo()
        assertEquals(3L, info.dataVersion)
        assertTrue(info.expiresAt.isAfter(info.builtAt))
        assertFalse(info.installed)
        assertThrows(HarbourException.NotFound::class.java) { h.service("nope", null) }
        // An age that cannot be a person's is refused by type.
        assertThrows(HarbourException.InvalidInput::class.java) {
            h.helpNow(HelpQuery(null, -1, null, emptyList(), emptyList(), false))
        }
    }

    /** Postcodes, from the ONS data in the bundled pack: a full one, and a split district. */
    @Test fun aPostcodeFindsTheCouncilAndASplitDistrictSaysSo() {
        val h = open()
        fun ask(area: String) = h.helpNow(
            HelpQuery(at = threeAm, age = 15, area = area, channels = emptyList(),
                topics = emptyList(), forProfessionals = false)
        )
        val tq1 = ask("TQ1 1AA")
        assertTrue(tq1.areaFound)
        assertEquals(listOf("E06000027"), tq1.areaCodes)
        val tq3 = ask("tq3")
        assertEquals(listOf("E06000027", "E10000008"), tq3.areaCodes)
        assertTrue(tq3.notes.joinToString(), tq3.notes.any { it.contains("TQ3 is split") })
        val belfast = ask("BT1 1AA")
        assertFalse(belfast.areaFound)
        assertTrue(belfast.notes.any { it.contains("Northern Ireland") })
        assertTrue(h.directoryAttribution().any { it.contains("Open Government Licence") })
    }

    /** A whole postcode gives one council; a town finds its council; nonsense is typed. */
    @Test fun aWholePostcodeATownAndNonsense() {
        val h = open()
        fun byPostcode(p: String) = h.helpNow(
            HelpQuery(at = threeAm, age = 15, area = null, channels = emptyList(),
                topics = emptyList(), forProfessionals = false, postcode = p)
        )
        // The South Hams side of TQ3 is Devon's (postcodes from the pinned ONS data).
        assertEquals(listOf("E10000008"), byPostcode("TQ3 1BR").areaCodes)
        assertEquals(listOf("E06000027"), byPostcode("tq31aa").areaCodes)
        val leeds = byPostcode("LS1 1AA")
        assertEquals(AreaStatus.NO_LOCAL_SERVICES, leeds.areaStatus)
        assertEquals("Leeds", leeds.areaName)
        assertTrue(leeds.options.isNotEmpty())
        assertEquals(AreaStatus.UNKNOWN_POSTCODE, byPostcode("ZZ9 9ZZ").areaStatus)
        assertThrows(HarbourException.NotAPostcode::class.java) { byPostcode("not a postcode") }
        val torquay = h.helpNow(
            HelpQuery(at = threeAm, age = 15, area = "Torquay", channels = emptyList(),
                topics = emptyList(), forProfessionals = false)
        )
        assertEquals(AreaStatus.FOUND, torquay.areaStatus)
        assertEquals(listOf("E06000027"), torquay.areaCodes)
        val atlantis = h.helpNow(
            HelpQuery(at = threeAm, age = 15, area = "Atlantis", channels = emptyList(),
                topics = emptyList(), forProfessionals = false)
        )
        assertEquals(AreaStatus.UNKNOWN_NAME, atlantis.areaStatus)
    }

    /** The signposting sheet for workers and schools: self-contained, for a listed area only. */
    @Test fun aSignpostingSheetForAnAreaIsSelfContained() {
        val h = open()
        val sheet = h.signpostingSheet("TQ1 1AA")
        assertTrue(sheet.startsWith("<!DOCTYPE html>"))
        assertTrue(sheet.contains("Where to find help: Torbay"))
        assertTrue(sheet.contains("Call 999"))
        assertTrue(sheet.contains("data version 3"))
        assertFalse(sheet.contains("<script"))
        assertThrows(HarbourException.InvalidInput::class.java) { h.signpostingSheet("Atlantis") }
    }

    @Test fun aBadPackIsRefusedAndTheOldOneStays() = runBlocking<Unit> {
        val h = open()
        val e = assertThrowsSuspend<HarbourException.PackRejected> {
            h.installDirectoryPack("{}".toByteArray(), "not a signature".toByteArray())
        }
        assertTrue(e.reason.contains("signed"))
        assertEquals(3L, h.directoryInfo().dataVersion)
    }
}
