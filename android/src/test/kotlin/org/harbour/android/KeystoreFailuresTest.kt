package org.harbour.android

import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import java.io.IOException
import java.security.InvalidKeyException
import java.security.KeyStoreException
import java.security.ProviderException
import java.security.UnrecoverableKeyException
import javax.crypto.AEADBadTagException
import javax.crypto.BadPaddingException
import org.harbour.core.PlatformKeyException
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/** The Android Keystore failure mapping, with the platform's exceptions thrown by fakes. */
class KeystoreFailuresTest {
    private fun kind(e: Throwable, sdk: Int = 34) =
        classifyKeystoreFailure(e, sdk)::class.simpleName

    @Test
    fun onlyAFailedAuthenticationTagIsRejected() {
        assertEquals("Rejected", kind(AEADBadTagException("tag mismatch")))
        // Any other padding or key problem is not evidence of changed bytes.
        assertEquals("Failed", kind(BadPaddingException()))
        assertEquals("Failed", kind(InvalidKeyException()))
    }

    @Test
    fun aPassingFailureIsUnavailableNeverTamperingOrMissing() {
        // The phone is locked (unlocked-device-only key), the user has not authenticated, the
        // keystore cannot read the entry yet after a reboot, StrongBox is busy.
        for (e in listOf(
            UserNotAuthenticatedException(),
            UnrecoverableKeyException("keystore locked"),
            ProviderException("Keystore operation failed"),
            StrongBoxUnavailableException(),
        )) {
            assertEquals(e::class.simpleName, "Unavailable", kind(e))
        }
    }

    @Test
    fun aKeyTheOsDestroyedIsGone() {
        assertEquals("NotFound", kind(KeyPermanentlyInvalidatedException()))
    }

    @Test
    fun aWrapperIsJudgedByWhatItWraps() {
        assertEquals("Rejected", kind(RuntimeException(AEADBadTagException())))
        assertEquals("Unavailable", kind(KeyStoreException(ProviderException("busy"))))
        assertEquals("Failed", kind(IOException("something else")))
        // A cause chain that points back at itself ends.
        val loop = RuntimeException("outer")
        val inner = RuntimeException("inner", loop)
        loop.initCause(inner)
        assertEquals("Failed", kind(loop))
    }

    @Test
    fun harboursOwnErrorsPassThroughUnchanged() {
        val e = PlatformKeyException.NotFound()
        assertTrue(classifyKeystoreFailure(e, 34) === e)
    }

    @Test
    fun strongBoxIsOnlyAskedForWhereItExists() {
        assertFalse(strongBoxSupported(24))
        assertFalse(strongBoxSupported(27))
        assertTrue(strongBoxSupported(28))
        // Before API 28 the class is never looked at, so an old phone cannot throw for it.
        assertFalse(retryWithoutStrongBox(StrongBoxUnavailableException(), 27))
        assertTrue(retryWithoutStrongBox(StrongBoxUnavailableException(), 28))
        assertFalse(retryWithoutStrongBox(ProviderException("other"), 34))
    }
}
