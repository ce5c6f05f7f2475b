package org.harbour.core

import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import kotlinx.coroutines.runBlocking

/** Backup, restore, key rotation and erase through the generated Kotlin. */
class BackupJvmTest {
    @get:Rule val tmp = TemporaryFolder()

    private val pin = "482915".toByteArray()
    private val passphrase = "quiet harbour light at dawn"

    private fun open(dir: String, ks: PlatformKeyStore): Harbour =
        Harbour.open(HarbourConfig(dir, "en-GB", KdfSetting.TestingOnly), ks)

    @Test fun exportEraseRestoreOnAnotherDeviceKeyGivesTheSameData() = runBlocking<Unit> {
        val ks = AesGcmTestKeyStore()
        val h = open(tmp.newFolder("old").absolutePath, ks)
        h.createVault(pin.copyOf())
        h.addNote("Breathe out slowly, Café at 4", listOf("calm"))
        h.addPlanItem(PlanSectionKind.ON_MY_OWN, "Music", null, null)
        val notesBefore = h.listNotes().notes
        val planBefore = h.plan()
        val backup = h.exportBackup(passphrase.toByteArray())
        assertArrayEquals("age-encryption.org/v1\n".toByteArray(), backup.copyOf(22))

        val report = h.eraseEverything()
        assertTrue(report.platformKeysDeleted > 0)
        assertEquals(emptySet<String>(), ks.aliases)
        assertEquals(VaultState.NoVault, h.vaultState())

        val phone = open(tmp.newFolder("new").absolutePath, AesGcmTestKeyStore())
        phone.createVault("739164".toByteArray())
        assertThrowsSuspend<HarbourException.BackupRefused> {
            phone.restoreBackup(backup, "not the passphrase at all".toByteArray())
        }
        val summary = phone.restoreBackup(backup, passphrase.toByteArray())
        assertEquals(RestoreSummary(1, 1, planBefore.version.toInt(), 0, 0), summary)
        assertEquals(notesBefore, phone.listNotes().notes)
        assertEquals(planBefore.sections, phone.plan().sections)
        assertThrowsSuspend<HarbourException.VaultNotEmpty> {
            phone.restoreBackup(backup, passphrase.toByteArray())
        }
    }

    /** An OS backup or transfer brings the files to a phone without their keys. */
    @Test fun aVaultCopiedWithoutItsKeysIsKeysMissingThenSetAsideAndRestored() = runBlocking<Unit> {
        val dir = tmp.newFolder("moved")
        val old = open(dir.absolutePath, AesGcmTestKeyStore())
        old.createVault(pin.copyOf())
        old.addNote("Reasons: my cat", emptyList())
        val backup = old.exportBackup(passphrase.toByteArray())
        old.lock()
        old.close()

        val phone = open(dir.absolutePath, AesGcmTestKeyStore())
        assertEquals(VaultState.KeysMissing, phone.vaultState())
        assertThrowsSuspend<HarbourException.DeviceKeyMissing> { phone.unlock(pin.copyOf()) }
        val aside = phone.setAsideVault()
        assertTrue(java.io.File(aside.folder, "harbour.sqlite3").isFile)
        assertEquals(VaultState.NoVault, phone.vaultState())
        phone.createVault("739164".toByteArray())
        assertEquals(1, phone.restoreBackup(backup, passphrase.toByteArray()).notes)
        assertEquals(listOf("Reasons: my cat"), phone.listNotes().notes.map { it.text })
        // This phone holds the new vault's keys: nothing to set aside.
        assertThrowsSuspend<HarbourException.InvalidInput> { phone.setAsideVault() }
        phone.eraseEverything()
        assertTrue(!java.io.File(aside.folder).exists())
    }

    @Test fun exportNeedsAFreshUnlockAndAStrongPassphrase() = runBlocking<Unit> {
        val h = open(tmp.root.absolutePath, AesGcmTestKeyStore())
        h.createVault(pin.copyOf())
        val weak = assertThrowsSuspend<HarbourException.WeakSecret> {
            h.exportBackup("short".toByteArray())
        }
        assertTrue(weak.reason.isNotEmpty())
        val generated = generateBackupPassphrase()
        assertTrue(Regex("[2-9a-z]{5}(-[2-9a-z]{5}){4}").matches(generated))
        checkBackupPassphrase(generated.toByteArray())
        h.reauthenticate(pin.copyOf())
        val file = tmp.root.resolve("plan.age")
        h.exportBackupToFile(file.absolutePath, generated.toByteArray())
        assertTrue(file.length() > 0)
        assertThrowsSuspend<HarbourException.WrongSecret> { h.reauthenticate("000001".toByteArray()) }
    }

    @Test fun rotationReplacesThePlatformKeysAndKeepsTheData() = runBlocking<Unit> {
        val ks = AesGcmTestKeyStore()
        val h = open(tmp.root.absolutePath, ks)
        h.createVault(pin.copyOf())
        h.addNote("kept", emptyList())
        val before = ks.aliases
        h.rotateDataKey(pin.copyOf())
        assertTrue(ks.aliases.isNotEmpty())
        assertTrue(ks.aliases.intersect(before).isEmpty())
        h.lock()
        h.unlock(pin.copyOf())
        assertEquals(listOf("kept"), h.listNotes().notes.map { it.text })
        assertThrowsSuspend<HarbourException.WrongSecret> { h.rotateDataKey("000001".toByteArray()) }
        assertNotEquals(emptySet<String>(), ks.aliases)
    }
}
