// Harbour for Android: the generated Kotlin API, the native library for each ABI, and an
// Android Keystore implementation of PlatformKeyStore.
//
// Both native parts come from one run of `scripts/build-release.sh android`: the stripped
// libharbour_ffi.so for each ABI under src/main/jniLibs/<abi>/, and the Kotlin generated from
// those very libraries under generated/kotlin/. This module only checks they are there; it
// never builds Rust itself, so the Kotlin and the .so cannot come from different builds
// (uniffi's checksums are off; see bindings/uniffi.toml).
//
// Plugins are applied without versions, so an app that already uses AGP and Kotlin includes
// this module with its own: in the app's root build.gradle.kts,
//     plugins {
//         id("com.android.library") version "<your AGP>" apply false
//         id("org.jetbrains.kotlin.android") version "<your Kotlin>" apply false
//     }
// and in its settings.gradle.kts,
//     include(":harbour")
//     project(":harbour").projectDir = file("<path to this repository>/android")
// Built on its own, settings.gradle.kts here supplies the versions.

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
    id("maven-publish")
}

// Everything is found from this module's own directory: when an app includes the module,
// `rootDir` is the app's root, not this repository.
val repoRoot: File = projectDir.parentFile
val generatedKotlin: File = projectDir.resolve("generated/kotlin")
val jniLibs: File = projectDir.resolve("src/main/jniLibs")
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")

group = "org.harbour"
version = "0.1.0"

android {
    namespace = "org.harbour.android"
    compileSdk = 35

    defaultConfig {
        // AES-GCM keys in the Android Keystore need API 23; StrongBox and
        // unlocked-device-only keys are used from API 28 when present. Matches
        // ANDROID_MIN_SDK in scripts/release-lib.sh (checked by scripts/test_release.sh).
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
        ndk { abiFilters += abis }
    }

    sourceSets["main"].java.srcDir(generatedKotlin)

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    testOptions {
        unitTests.all {
            // JVM unit tests load the host build of the library (see scripts/foreign-tests.sh).
            it.systemProperty("jna.library.path", repoRoot.resolve("target/debug").absolutePath)
        }
        // The Keystore failure tests construct android.security exceptions.
        unitTests.isReturnDefaultValues = true
    }

    publishing {
        singleVariant("release") { withSourcesJar() }
    }
}

kotlin {
    jvmToolchain(17)
}

/** Fails early, with the command to run, when the native parts have not been built. */
val checkHarbourNative by tasks.registering {
    description = "Checks that scripts/build-release.sh android has produced the .so files and Kotlin."
    val libraries = abis.map { jniLibs.resolve("$it/libharbour_ffi.so") }
    val kotlinFile = generatedKotlin.resolve("org/harbour/core/harbour.kt")
    inputs.files(libraries + kotlinFile).optional()
    doLast {
        val missing = (libraries + kotlinFile).filterNot { it.isFile }
        if (missing.isNotEmpty()) {
            throw GradleException(
                "Harbour's native build is missing (${missing.joinToString { it.relativeTo(repoRoot).path }}). " +
                    "Run: ${repoRoot.resolve("scripts/build-release.sh").path} android"
            )
        }
    }
}

tasks.named("preBuild") { dependsOn(checkHarbourNative) }

dependencies {
    // JNA loads the Rust library. The @aar variant carries JNA's own native parts for each ABI;
    // 5.17 is the first whose libjnidispatch.so loads on 16 KB-page phones (JNA issues 1618,
    // 1647).
    implementation("net.java.dev.jna:jna:5.17.0@aar")
    // The slow calls are suspend functions; the generated code awaits them with coroutines.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.10.2")

    testImplementation("junit:junit:4.13.2")
    // The plain jar (not the aar) for JVM unit tests on the build machine.
    testImplementation("net.java.dev.jna:jna:5.17.0")
}

// `gradle :harbour:publishReleasePublicationToLocalRepository` writes org.harbour:harbour-android
// into android/build/repo, for an app that takes the library as a Maven dependency instead.
afterEvaluate {
    publishing {
        publications {
            create<MavenPublication>("release") {
                from(components["release"])
                artifactId = "harbour-android"
            }
        }
        repositories {
            maven {
                name = "local"
                url = uri(layout.buildDirectory.dir("repo"))
            }
        }
    }
}
