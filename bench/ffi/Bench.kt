// harbour-bench's Kotlin caller: the cost of crossing the FFI from the JVM (JNA, as the
// generated Kotlin uses). Prints one line of JSON; run by scripts/bench.sh.
package org.harbour.bench

import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.harbour.core.Harbour
import org.harbour.core.HarbourConfig
import org.harbour.core.KdfSetting
import org.harbour.core.PlatformKeyException
import org.harbour.core.PlatformKeyStore

/** No wrapping at all: the benchmark measures the FFI, not a key store. */
class PassThroughKeyStore : PlatformKeyStore {
    private val aliases = java.util.concurrent.ConcurrentHashMap.newKeySet<String>()
    override fun wrap(alias: String, plaintext: ByteArray): ByteArray { aliases.add(alias); return plaintext.copyOf() }
    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray {
        if (alias !in aliases) throw PlatformKeyException.NotFound()
        return wrapped.copyOf()
    }
    override fun delete(alias: String) { aliases.remove(alias) }
}

const val FILLER = "walk breathe music sea friend tea quiet window "

/** The same 1,000-character notes as harbour-bench's Rust and Python callers. */
fun noteText(i: Int): String = ("Note $i. " + FILLER.repeat(25)).substring(0, 1000)

fun main(args: Array<String>) = runBlocking<Unit> {
    val runs = args.getOrNull(0)?.toInt() ?: 30
    val dir = Files.createTempDirectory("harbour-bench-kotlin")
    // The shipped library refuses the testing KDF, so the smallest real one: the vault's key
    // derivation is outside what this measures.
    val kdf = KdfSetting.Calibrated(java.time.Duration.ofMillis(1), 19)
    val h = Harbour.open(HarbourConfig(dir.toString(), "en-GB", kdf), PassThroughKeyStore())
    h.createVault("482915".toByteArray())
    for (i in 0 until 1000) h.addNote(noteText(i), emptyList())
    // Let the JIT compile the paths first, as it would have in an app that has been running.
    repeat(50_000) { h.isUnlocked() }
    repeat(10) { h.listNotes().notes }
    val calls = 200_000
    val start = System.nanoTime()
    repeat(calls) { h.isUnlocked() }
    val trivialNs = (System.nanoTime() - start).toDouble() / calls
    // listNotes is a suspend call: each run includes handing the work to Harbour's thread and
    // back, as an app pays it.
    val list = (0 until runs).map {
        val t = System.nanoTime()
        check(h.listNotes().notes.size == 1000)
        (System.nanoTime() - t) / 1e6
    }
    println("{\"trivial_ns\":$trivialNs,\"list_ms\":[${list.joinToString(",")}]}")
    h.lock()
    dir.toFile().deleteRecursively()
}
