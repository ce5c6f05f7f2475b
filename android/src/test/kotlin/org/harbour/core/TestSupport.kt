package org.harbour.core

/**
 * JUnit's `assertThrows` for suspend calls: `block` may call Harbour's `suspend` functions.
 * Returns the exception so a test can look at its fields.
 */
suspend inline fun <reified T : Throwable> assertThrowsSuspend(block: () -> Unit): T {
    try {
        block()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionError("expected ${T::class.java.simpleName}, got $e", e)
    }
    throw AssertionError("expected ${T::class.java.simpleName}, but nothing was thrown")
}
