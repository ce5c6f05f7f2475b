package org.harbour.core

import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

/** The generated Kotlin bindings, run for real against the Rust library on the JVM. */
class HarbourJvmTest {
    @get:Rule val tmp = TemporaryFolder()

    private val pin = "482915".toByteArray()

    private fun open(keyStore: PlatformKeyStore = AesGcmTestKeyStore()): Harbour =
        Harbour.open(HarbourConfig(tmp.root.absolutePath, "en-GB", KdfSetting.TestingOnly), keyStore)

    /** The main thread's calls answer while another thread is mid-unlock, and lock wins. */
    @Test fun isUnlockedAndLockAnswerDuringAnUnlock() {
        val ks = GatedKeyStore(AesGcmTestKeyStore())
        val h = open(ks)
        h.createVault(pin)
        h.lock()
        val (entered, release) = ks.arm()
        val pool = Executors.newSingleThreadExecutor()
        val unlocking = pool.submit<Throwable?> {
            try { h.unlock(pin); null } catch (e: Throwable) { e }
        }
        assertTrue(entered.await(20, TimeUnit.SECONDS))
        // Asked on this thread while the unlock holds the vault: each answers at once.
        val asked = Executors.newSingleThreadExecutor().submit<Boolean> {
            val unlocked = h.isUnlocked()
            assertTrue(h.vaultState() is VaultState.Locked)
            h.lock()
            unlocked
        }
        assertFalse(asked.get(20, TimeUnit.SECONDS))
        release.countDown()
        assertTrue(unlocking.get(20, TimeUnit.SECONDS) is HarbourException.Locked)
        assertFalse(h.isUnlocked())
        h.unlock(pin)
        assertTrue(h.isUnlocked())
        pool.shutdown()
    }

    @Test fun vaultAndNotesLifecycle() {
        val h = open()
        assertEquals(VaultState.NoVault, h.vaultState())
        h.createVault("482915".toByteArray())
        assertEquals(VaultState.Unlocked(SecretKind.PIN), h.vaultState())

        val a = h.addNote("Breathing out slowly helped", listOf("calm"))
        val b = h.addNote("Went to the CAFÉ with Zoë", emptyList())
        assertEquals(32, a.id.length)
        assertEquals(setOf(a.id, b.id), h.listNotes().notes.map { it.id }.toSet())
        // Nothing damaged: every note is listed and none is counted as unreadable.
        assertEquals(0u, h.listNotes().unreadable)
        assertEquals(listOf(b.id), h.searchNotes("cafe zoe").notes.map { it.id })
        assertEquals("calm", h.note(a.id).tags.single())

        val edited = h.editNote(a.id, "Breathing out slowly helped a lot")
        assertEquals(a.createdAtMs, edited.createdAtMs)
        h.deleteNote(b.id)
        assertEquals(listOf(a.id), h.listNotes().notes.map { it.id })
        assertThrows(HarbourException.NotFound::class.java) { h.note(b.id) }

        h.lock()
        assertFalse(h.isUnlocked())
        h.unlock(pin.copyOf())
        assertEquals("Breathing out slowly helped a lot", h.listNotes().notes.single().text)
        h.close()
    }

    @Test fun wrongPinIsTypedAndCounted() {
        val h = open()
        h.createVault(pin.copyOf())
        h.lock()
        val e = assertThrows(HarbourException.WrongSecret::class.java) { h.unlock("000001".toByteArray()) }
        assertEquals(null, e.retryAfterSeconds)
        repeat(4) { runCatching { h.unlock("000001".toByteArray()) } }
        val state = h.vaultState() as VaultState.Locked
        assertEquals(5u, state.failedAttempts)
        assertTrue(state.retryAfterSeconds!! > 0uL)
        assertThrows(HarbourException.LockedOut::class.java) { h.unlock(pin.copyOf()) }
    }

    @Test fun callsWhileLockedAreTyped() {
        val h = open()
        assertThrows(HarbourException.NoVault::class.java) { h.listNotes().notes }
        h.createVault(pin.copyOf())
        h.lock()
        assertThrows(HarbourException.Locked::class.java) { h.listNotes().notes }
        assertThrows(HarbourException.Locked::class.java) { h.addNote("x", emptyList()) }
        assertThrows(HarbourException.Locked::class.java) { h.searchNotes("x").notes }
        assertThrows(HarbourException.WeakSecret::class.java) { open().changeSecret(pin.copyOf(), "1".toByteArray()) }
    }

    @Test fun quickAccessNotesNeedNoSecret() {
        val ks = AesGcmTestKeyStore()
        val h = open(ks)
        h.createVault(pin.copyOf())
        val quick = h.addNote("Reasons: my cat, the sea", emptyList())
        h.addNote("private", emptyList())
        h.setNoteQuickAccess(quick.id, true)
        h.lock()
        val again = open(ks)
        assertEquals(listOf("Reasons: my cat, the sea"), again.quickAccessNotes().map { it.text })
    }

    @Test(timeout = 20_000) fun aThrowingKeyStoreGivesACleanError() {
        // An exception Harbour does not know: mapped to KeyStoreFailed, no crash, no hang.
        val unexpected = open(ThrowingKeyStore { IllegalStateException("platform exploded") })
        assertThrows(HarbourException.KeyStoreFailed::class.java) { unexpected.createVault(pin.copyOf()) }
        assertEquals(VaultState.NoVault, unexpected.vaultState())

        val unavailable = open(ThrowingKeyStore { PlatformKeyException.Unavailable() })
        assertThrows(HarbourException.KeyStoreUnavailable::class.java) { unavailable.createVault(pin.copyOf()) }

        // A store that starts failing after the vault exists.
        val switchable = SwitchableKeyStore(AesGcmTestKeyStore())
        val h = open(switchable)
        h.createVault(pin.copyOf())
        h.lock()
        switchable.failWith = { RuntimeException("boom") }
        assertThrows(HarbourException.KeyStoreFailed::class.java) { h.unlock(pin.copyOf()) }
        switchable.failWith = null
        h.unlock(pin.copyOf())
        assertEquals(0, h.listNotes().notes.size)
    }

    @Test fun aRustPanicArrivesAsAnException() {
        val e = assertThrows(InternalException::class.java) { testingTriggerPanic() }
        assertFalse(e.message.orEmpty().contains("482915"))
        // The library still works after a panic.
        open().vaultState()
    }

    @Test(timeout = 60_000) fun manyThreadsOnOneObject() {
        val h = open()
        h.createVault(pin.copyOf())
        val threads = 8
        val perThread = 40
        val pool = Executors.newFixedThreadPool(threads)
        val start = CountDownLatch(1)
        val errors = java.util.concurrent.ConcurrentLinkedQueue<Throwable>()
        repeat(threads) { t ->
            pool.execute {
                start.await()
                try {
                    repeat(perThread) { i ->
                        val n = h.addNote("thread $t note $i", listOf("t$t"))
                        if (i % 5 == 0) h.editNote(n.id, "thread $t note $i edited")
                        if (i % 7 == 0) h.searchNotes("thread $t").notes
                        if (i % 10 == 0) h.listNotes().notes
                    }
                } catch (e: Throwable) {
                    errors.add(e)
                }
            }
        }
        start.countDown()
        pool.shutdown()
        assertTrue(pool.awaitTermination(50, TimeUnit.SECONDS))
        assertTrue("errors: $errors", errors.isEmpty())
        val notes = h.listNotes().notes
        assertEquals(threads * perThread, notes.size)
        assertEquals(notes.size, notes.map { it.id }.toSet().size)
        repeat(threads) { t -> assertEquals(perThread, h.searchNotes("t$t").notes.size) }
        h.lock()
        h.unlock(pin.copyOf())
        assertEquals(threads * perThread, h.listNotes().notes.size)
    }
}
