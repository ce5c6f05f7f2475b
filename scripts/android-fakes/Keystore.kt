// Stand-ins for the Android Keystore's exception classes, so the JVM tests here can throw what
// a phone throws. Same packages, names and superclasses as the platform's (android.jar); only
// scripts/foreign-tests.sh compiles them. The Gradle build never sees this file: there the
// real classes come from the SDK.
@file:Suppress("unused")

package android.security.keystore

import java.security.InvalidKeyException
import java.security.ProviderException

class KeyPermanentlyInvalidatedException(message: String? = null) : InvalidKeyException(message)

class UserNotAuthenticatedException(message: String? = null) : InvalidKeyException(message)

class StrongBoxUnavailableException(message: String? = null) : ProviderException(message)
