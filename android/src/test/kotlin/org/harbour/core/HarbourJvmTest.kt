package org.harbour.core

import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.async
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
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
    @Test fun isUnlockedAndLockAnswerDuringAnUnlock() = runBlocking<Unit> {
        val ks = GatedKeyStore(AesGcmTestKeyStore())
        val h = open(ks)
        h.createVault(pin.copyOf())
        h.addNote("Reasons: my cat", emptyList()).also { h.setNoteQuickAccess(it.id, true) }
        h.lock()
        val (entered, release) = ks.arm()
        // The unlock is suspended on this coroutine; its key derivation runs on Harbour's thread.
        val unlocking = GlobalScope.async(Dispatchers.Default) {
            try { h.unlock(pin.copyOf()); null } catch (e: Throwable) { e }
        }
        assertTrue(entered.await(20, TimeUnit.SECONDS))
        // Asked while the unlock holds the vault: each answers at once.
        val asked = Executors.newSingleThreadExecutor().submit<Boolean> {
            val unlocked = h.isUnlocked()
            assertTrue(h.vaultState() is VaultState.Locked)
            assertEquals(1, h.quickAccessNotes().size)
            h.lock()
            unlocked
        }
        assertFalse(asked.get(20, TimeUnit.SECONDS))
        release.countDown()
        assertTrue(unlocking.await() is HarbourException.Locked)
        assertFalse(h.isUnlocked())
        h.unlock(pin.copyOf())
        assertTrue(h.isUnlocked())
    }

    /** A cancelled unlock does not leave the vault open for nobody to see. */
    @Test fun aCancelledUnlockLeavesTheVaultLocked() = runBlocking<Unit> {
        val ks = GatedKeyStore(AesGcmTestKeyStore())
        val h = open(ks)
        h.createVault(pin.copyOf())
        h.lock()
        val heard = java.util.concurrent.CopyOnWriteArrayList<LockState>()
        h.setLockObserver(object : LockStateObserver {
            override fun onLockState(state: LockState) { heard.add(state) }
        })
        val (entered, release) = ks.arm()
        val job = GlobalScope.launch(Dispatchers.Default) { h.unlock(pin.copyOf()) }
        assertTrue(entered.await(20, TimeUnit.SECONDS))
        job.cancel()
        job.join()
        assertTrue(job.isCancelled)
        release.countDown()
        // The derivation finishes on its own thread and must not open the vault. This unlock
        // waits its turn behind it (one derivation at a time), then opens it.
        assertFalse(h.isUnlocked())
        h.unlock(pin.copyOf())
        assertTrue(h.isUnlocked())
        // Locked at registration, then unlocked once: by the second unlock, never the first.
        assertEquals(listOf(LockState.Locked, LockState.Unlocked), heard.toList())
    }

    /** Cancelling a rotation part-way leaves no half-rotated vault: every note still opens. */
    @Test fun aCancelledRotationLeavesNothingHalfDone() = runBlocking<Unit> {
        val ks = GatedKeyStore(AesGcmTestKeyStore())
        val h = open(ks)
        h.createVault(pin.copyOf())
        repeat(20) { h.addNote("note $it", emptyList()) }
        val (entered, release) = ks.arm()
        val job = GlobalScope.launch(Dispatchers.Default) { h.rotateDataKey(pin.copyOf()) }
        assertTrue(entered.await(20, TimeUnit.SECONDS))
        job.cancel()
        job.join()
        release.countDown()
        h.kdfInfo() // waits for the rotation to let go of the vault
        h.lock()
        h.unlock(pin.copyOf())
        assertEquals(20, h.listNotes().notes.size)
        assertEquals(0, h.listNotes().unreadable)
    }

    /** The app hears lock changes instead of polling; the idle lock locks on a late return. */
    @Test fun anObserverHearsLockChangesAndTheIdleLock() = runBlocking<Unit> {
        val h = open()
        val heard = java.util.concurrent.CopyOnWriteArrayList<LockState>()
        h.setLockObserver(object : LockStateObserver {
            override fun onLockState(state: LockState) { heard.add(state) }
        })
        h.createVault(pin.copyOf())
        h.setIdleLock(java.time.Duration.ofMinutes(5))
        h.enteredBackground()
        assertFalse(h.enteredForeground()) // back at once: still open
        assertTrue(h.isUnlocked())
        h.setIdleLock(java.time.Duration.ZERO)
        h.enteredBackground()
        assertTrue(h.enteredForeground())
        assertFalse(h.isUnlocked())
        assertEquals(listOf(LockState.Locked, LockState.Unlocked, LockState.Locked), heard.toList())
        repeat(5) {
            try { h.unlock("000001".toByteArray()) } catch (e: HarbourException) { }
        }
        val out = heard.last() as LockState.LockedOut
        assertTrue(out.until.isAfter(java.time.Instant.now()))
        h.setLockObserver(null)
    }

    @Test fun vaultAndNotesLifecycle() = runBlocking<Unit> {
        val h = open()
        assertEquals(VaultState.NoVault, h.vaultState())
        h.createVault("482915".toByteArray())
        assertEquals(VaultState.Unlocked(SecretKind.PIN), h.vaultState())

        val a = h.addNote("Breathing out slowly helped", listOf("calm"))
        val b = h.addNote("Went to the CAFÉ with Zoë", emptyList())
        assertEquals(32, a.id.length)
        assertEquals(setOf(a.id, b.id), h.listNotes().notes.map { it.id }.toSet())
        // Nothing damaged: every note is listed and none is counted as unreadable.
        assertEquals(0, h.listNotes().unreadable)
        assertEquals(listOf(b.id), h.searchNotes("cafe zoe").notes.map { it.id })
        assertEquals("calm", h.note(a.id).tags.single())

        val edited = h.editNote(a.id, "Breathing out slowly helped a lot")
        assertEquals(a.createdAt, edited.createdAt)
        assertTrue(!edited.updatedAt.isBefore(a.updatedAt))
        h.deleteNote(b.id)
        assertEquals(listOf(a.id), h.listNotes().notes.map { it.id })
        assertThrows(HarbourException.NotFound::class.java) { h.note(b.id) }
        // Records are values: changed by copying, never in place.
        assertEquals("x", a.copy(text = "x").text)

        h.lock()
        assertFalse(h.isUnlocked())
        h.unlock(pin.copyOf())
        assertEquals("Breathing out slowly helped a lot", h.listNotes().notes.single().text)
        h.close()
    }

    @Test fun wrongPinIsTypedAndCounted() = runBlocking<Unit> {
        val h = open()
        h.createVault(pin.copyOf())
        h.lock()
        val e = assertThrowsSuspend<HarbourException.WrongSecret> { h.unlock("000001".toByteArray()) }
        assertEquals(null, e.retryAfter)
        repeat(4) {
            try { h.unlock("000001".toByteArray()) } catch (e: HarbourException) { }
        }
        val state = h.vaultState() as VaultState.Locked
        assertEquals(5, state.failedAttempts)
        // A java.time.Duration, not a number of unknown units.
        assertTrue(state.retryAfter!! > java.time.Duration.ZERO)
        val out = assertThrowsSuspend<HarbourException.LockedOut> { h.unlock(pin.copyOf()) }
        assertTrue(out.retryAfter > java.time.Duration.ZERO)
    }

    @Test fun callsWhileLockedAreTyped() = runBlocking<Unit> {
        val h = open()
        assertThrowsSuspend<HarbourException.NoVault> { h.listNotes() }
        h.createVault(pin.copyOf())
        h.lock()
        assertThrowsSuspend<HarbourException.Locked> { h.listNotes() }
        assertThrows(HarbourException.Locked::class.java) { h.addNote("x", emptyList()) }
        assertThrowsSuspend<HarbourException.Locked> { h.searchNotes("x") }
        assertThrowsSuspend<HarbourException.WeakSecret> { open().changeSecret(pin.copyOf(), "1".toByteArray()) }
        // A negative position is refused by type, not turned into a huge unsigned one.
        h.unlock(pin.copyOf())
        assertThrows(HarbourException.InvalidInput::class.java) {
            h.removePlanItem(PlanSectionKind.ON_MY_OWN, -1)
        }
    }

    @Test fun quickAccessNotesNeedNoSecret() = runBlocking<Unit> {
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

    @Test fun bindingsFromAnotherBuildAreRefusedAtOpen() {
        val config = HarbourConfig(tmp.root.resolve("other").absolutePath, "en-GB", KdfSetting.TestingOnly)
        val e = assertThrows(HarbourException.ContractMismatch::class.java) {
            Harbour.open(config, AesGcmTestKeyStore(), contract = "0.0.1+abcdefabcdef")
        }
        assertEquals(libraryContract(), e.library)
        assertEquals("0.0.1+abcdefabcdef", e.bindings)
        assertFalse("a refused open made the data directory", tmp.root.resolve("other").exists())
        // Left out, the contract is the one these bindings were generated with: this library's.
        Harbour.open(config, AesGcmTestKeyStore()).close()
    }

    @Test(timeout = 20_000) fun aThrowingKeyStoreGivesACleanError() = runBlocking<Unit> {
        // An exception Harbour does not know: mapped to KeyStoreFailed, no crash, no hang.
        val unexpected = open(ThrowingKeyStore { IllegalStateException("platform exploded") })
        assertThrowsSuspend<HarbourException.KeyStoreFailed> { unexpected.createVault(pin.copyOf()) }
        assertEquals(VaultState.NoVault, unexpected.vaultState())

        val unavailable = open(ThrowingKeyStore { PlatformKeyException.Unavailable() })
        assertThrowsSuspend<HarbourException.KeyStoreUnavailable> { unavailable.createVault(pin.copyOf()) }

        // A store that starts failing after the vault exists.
        val switchable = SwitchableKeyStore(AesGcmTestKeyStore())
        val h = open(switchable)
        h.createVault(pin.copyOf())
        h.lock()
        switchable.failWith = { RuntimeException("boom") }
        assertThrowsSuspend<HarbourException.KeyStoreFailed> { h.unlock(pin.copyOf()) }
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

    @Test(timeout = 60_000) fun manyThreadsOnOneObject() = runBlocking<Unit> {
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
                        // A plain thread awaiting the suspend calls, as a Java caller would.
                        if (i % 7 == 0) runBlocking { h.searchNotes("thread $t") }
                        if (i % 10 == 0) runBlocking { h.listNotes() }
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
