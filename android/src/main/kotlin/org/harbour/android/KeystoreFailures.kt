package org.harbour.android

import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import java.security.InvalidKeyException
import java.security.ProviderException
import java.security.UnrecoverableKeyException
import javax.crypto.AEADBadTagException
import org.harbour.core.PlatformKeyException

/**
 * How an Android Keystore failure reaches Harbour. Three answers matter to the person using
 * the app, and getting them wrong shows the wrong screen:
 *
 * - [PlatformKeyException.Unavailable]: not usable *right now* (the phone is locked, the user
 *   has not authenticated, the Keystore or StrongBox is busy). Harbour says "try again"; it is
 *   never reported as tampering or as a missing key.
 * - [PlatformKeyException.NotFound]: the key is *gone for good* (the OS invalidated it when the
 *   lock screen was removed or reset). Harbour offers restore from a backup.
 * - [PlatformKeyException.Rejected]: the key works but refused the bytes (changed, or wrapped
 *   by another key). Only an authentication-tag failure means that.
 *
 * Anything not recognised is [PlatformKeyException.Failed], which Harbour reports as a key store
 * failure and never as tampering.
 *
 * [sdk] is the device's API level: classes added after the module's minSdk (24) are only
 * looked at where they exist, because naming a missing class in a type check throws on ART.
 */
internal fun classifyKeystoreFailure(e: Throwable, sdk: Int): PlatformKeyException =
    classify(e, sdk, depth = 0)

private fun classify(e: Throwable, sdk: Int, depth: Int): PlatformKeyException = when (e) {
    is PlatformKeyException -> e
    is AEADBadTagException -> PlatformKeyException.Rejected()
    // The lock screen was removed or changed in a way that destroys keys: the key is gone.
    is KeyPermanentlyInvalidatedException -> PlatformKeyException.NotFound()
    is UserNotAuthenticatedException -> PlatformKeyException.Unavailable()
    // Reading a key entry while the Keystore cannot decrypt it (before the first unlock after a
    // reboot, a busy keystore daemon): the key is still there, so this is not NotFound.
    is UnrecoverableKeyException -> PlatformKeyException.Unavailable()
    // StrongBox busy, the keystore daemon restarting, or an unlocked-device-only key used
    // while the phone is locked (StrongBoxUnavailableException is one of these too).
    is ProviderException -> PlatformKeyException.Unavailable()
    is InvalidKeyException -> PlatformKeyException.Failed()
    // A wrapper (as some vendors' providers throw): what it wraps decides, a few levels deep.
    else -> e.cause?.takeIf { depth < MAX_CAUSES && it !== e }
        ?.let { classify(it, sdk, depth + 1) }
        ?: PlatformKeyException.Failed()
}

/**
 * Whether a failed StrongBox key generation should be tried again without StrongBox: only for
 * `StrongBoxUnavailableException`, which exists from API 28 (the check on [sdk] comes first, so
 * the class is never named on older phones).
 */
internal fun retryWithoutStrongBox(e: Throwable, sdk: Int): Boolean =
    sdk >= STRONGBOX_API && e is StrongBoxUnavailableException

/** Whether to ask for StrongBox and unlocked-device-only keys at all. */
internal fun strongBoxSupported(sdk: Int): Boolean = sdk >= STRONGBOX_API

/** API 28: StrongBox, `StrongBoxUnavailableException` and unlocked-device-only keys. */
internal const val STRONGBOX_API = 28

private const val MAX_CAUSES = 4
