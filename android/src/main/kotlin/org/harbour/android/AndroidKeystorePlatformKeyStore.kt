package org.harbour.android

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import java.security.KeyStore
import java.security.ProviderException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import org.harbour.core.PlatformKeyException
import org.harbour.core.PlatformKeyStore

/**
 * Harbour's platform key store on Android: one non-exportable AES-256-GCM key per alias in the
 * Android Keystore, in StrongBox when the phone has it, usable only while the device is
 * unlocked (API 28+). The key never leaves the secure hardware; Harbour only ever sees the
 * wrapped bytes, so a copy of the app's files cannot be attacked offline.
 *
 * Wrapped format: version byte 1 | 12-byte IV (chosen by the Keystore) | ciphertext + tag.
 * The alias is bound as associated data, so bytes wrapped under one alias never unwrap under
 * another.
 *
 * Failures are mapped by [classifyKeystoreFailure]: a locked phone or a busy Keystore is
 * `Unavailable` (try again), a key the OS destroyed is `NotFound` (restore from a backup), and
 * only a failed authentication tag is `Rejected`.
 */
class AndroidKeystorePlatformKeyStore(
    private val preferStrongBox: Boolean = true,
) : PlatformKeyStore {

    private val keyStore: KeyStore = KeyStore.getInstance(PROVIDER).apply { load(null) }
    private val sdk = Build.VERSION.SDK_INT

    /**
     * Held while a key may be created: two first wraps on different threads would otherwise each
     * generate a key under one alias, and the second would replace the one the first wrapped
     * with. Other processes (a widget) are kept apart by Harbour's own vault claim, which every
     * key creation runs under.
     */
    private val creating = Any()

    override fun wrap(alias: String, plaintext: ByteArray): ByteArray = guarded {
        try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.ENCRYPT_MODE, existingOrNewKey(alias))
            cipher.updateAAD(alias.toByteArray(Charsets.UTF_8))
            val sealed = cipher.doFinal(plaintext)
            byteArrayOf(VERSION) + cipher.iv + sealed
        } finally {
            plaintext.fill(0)
        }
    }

    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray = guarded {
        val key = keyFor(alias) ?: throw PlatformKeyException.NotFound()
        if (wrapped.size < 1 + IV_BYTES + TAG_BITS / 8 || wrapped[0] != VERSION) {
            throw PlatformKeyException.Rejected()
        }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, wrapped, 1, IV_BYTES))
        cipher.updateAAD(alias.toByteArray(Charsets.UTF_8))
        cipher.doFinal(wrapped, 1 + IV_BYTES, wrapped.size - 1 - IV_BYTES)
    }

    override fun delete(alias: String) = guarded {
        if (keyStore.containsAlias(alias)) keyStore.deleteEntry(alias)
    }

    private fun keyFor(alias: String): SecretKey? =
        (keyStore.getEntry(alias, null) as? KeyStore.SecretKeyEntry)?.secretKey

    private fun existingOrNewKey(alias: String): SecretKey =
        keyFor(alias) ?: synchronized(creating) { keyFor(alias) ?: createKey(alias) }

    private fun createKey(alias: String): SecretKey {
        fun spec(strongBox: Boolean) = KeyGenParameterSpec.Builder(
            alias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        ).apply {
            setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            setKeySize(256)
            setRandomizedEncryptionRequired(true)
            if (strongBoxSupported(sdk)) {
                setUnlockedDeviceRequired(true)
                if (strongBox) setIsStrongBoxBacked(true)
            }
        }.build()

        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER)
        return try {
            generator.init(spec(preferStrongBox && strongBoxSupported(sdk)))
            generator.generateKey()
        } catch (e: ProviderException) {
            // No StrongBox on this phone after all: a Keystore key is still hardware-backed.
            if (!retryWithoutStrongBox(e, sdk)) throw e
            generator.init(spec(false))
            generator.generateKey()
        }
    }

    /** Maps platform failures onto the four errors Harbour understands. */
    private inline fun <T> guarded(block: () -> T): T = try {
        block()
    } catch (e: Exception) {
        throw classifyKeystoreFailure(e, sdk)
    }

    private companion object {
        const val PROVIDER = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val VERSION: Byte = 1
        const val IV_BYTES = 12
        const val TAG_BITS = 128
    }
}
