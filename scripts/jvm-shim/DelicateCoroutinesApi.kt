// Test-only: compiled by scripts/foreign-tests.sh, never shipped, never in the Gradle module.
//
// The JVM tests here run on Debian's kotlinx-coroutines (1.0.1: the only one this machine's
// package registries carry). uniffi's generated Kotlin imports one annotation that release
// lacks; apps build with a current kotlinx-coroutines, which declares it itself.
package kotlinx.coroutines

@RequiresOptIn
@Retention(AnnotationRetention.BINARY)
annotation class DelicateCoroutinesApi
