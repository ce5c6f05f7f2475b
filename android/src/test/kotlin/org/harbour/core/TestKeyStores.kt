package org.harbour.core

import java.security.SecureRandom
import java.util.concurrent.ConcurrentHashMap
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The Android Keystore implementation's contract and format, with keys held in memory: one
 * AES-256-GCM key per alias, alias bound as associated data. For JVM tests only.
 */
class AesGcmTestKeyStore : PlatformKeyStore {
    private val keys = ConcurrentHashMap<String, SecretKey>()
    private val random = SecureRandom()

    val aliases: Set<String> get() = keys.keys.toSortedSet()

    override fun wrap(alias: String, plaintext: ByteArray): ByteArray {
        val key = keys.computeIfAbsent(alias) {
            KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
        }
        val iv = ByteArray(12).also(random::nextBytes)
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key, GCMParameterSpec(128, iv))
        cipher.updateAAD(alias.toByteArray())
        return byteArrayOf(1) + iv + cipher.doFinal(plaintext).also { plaintext.fill(0) }
    }

    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray {
        val key = keys[alias] ?: throw PlatformKeyException.NotFound()
        if (wrapped.size < 29 || wrapped[0] != 1.toByte()) throw PlatformKeyException.Rejected()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, wrapped, 1, 12))
        cipher.updateAAD(alias.toByteArray())
        try {
            return cipher.doFinal(wrapped, 13, wrapped.size - 13)
        } catch (e: AEADBadTagException) {
            throw PlatformKeyException.Rejected()
        }
    }

    override fun delete(alias: String) {
        keys.remove(alias)
    }
}

/** A key store that throws whatever it is given, on every call. */
class ThrowingKeyStore(private val error: () -> Throwable) : PlatformKeyStore {
    override fun wrap(alias: String, plaintext: ByteArray): ByteArray = throw error()
    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray = throw error()
    override fun delete(alias: String) = throw error()
}

/** Delegates to a working store until told to fail. */
class SwitchableKeyStore(private val inner: PlatformKeyStore) : PlatformKeyStore {
    @Volatile var failWith: (() -> Throwable)? = null

    private fun check() { failWith?.let { throw it() } }

    override fun wrap(alias: String, plaintext: ByteArray): ByteArray { check(); return inner.wrap(alias, plaintext) }
    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray { check(); return inner.unwrap(alias, wrapped) }
    override fun delete(alias: String) { check(); inner.delete(alias) }
}

/** Delegates to a working store; once armed, the next `unwrap` (which every unlock makes,
 *  after its key derivation) stops until released, so a test can act mid-unlock. */
class GatedKeyStore(private val inner: PlatformKeyStore) : PlatformKeyStore {
    @Volatile private var gate: Pair<java.util.concurrent.CountDownLatch, java.util.concurrent.CountDownLatch>? = null

    /** Returns (entered, release). */
    fun arm(): Pair<java.util.concurrent.CountDownLatch, java.util.concurrent.CountDownLatch> {
        val g = java.util.concurrent.CountDownLatch(1) to java.util.concurrent.CountDownLatch(1)
        gate = g
        return g
    }

    override fun wrap(alias: String, plaintext: ByteArray): ByteArray = inner.wrap(alias, plaintext)
    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray {
        val g = synchronized(this) { gate.also { gate = null } }
        if (g != null) {
            g.first.countDown()
            g.second.await()
        }
        return inner.unwrap(alias, wrapped)
    }
    override fun delete(alias: String) = inner.delete(alias)
}
