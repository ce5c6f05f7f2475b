// Harbour for Android: the generated Kotlin API, the native library for each ABI, and an
// Android Keystore implementation of PlatformKeyStore.
//
// Native libraries: scripts/build-release.sh puts libharbour_ffi.so for each ABI under
// src/main/jniLibs/<abi>/. Kotlin: the task below generates it from the same build, so the two
// always match (which is why uniffi's checksums are off; see bindings/uniffi.toml).

plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
}

val repoRoot = rootDir.resolve("..")
val generatedKotlin = layout.buildDirectory.dir("generated/source/uniffi/kotlin")

android {
    namespace = "org.harbour.android"
    compileSdk = 35

    defaultConfig {
        // AES-GCM keys in the Android Keystore need API 23; StrongBox and
        // unlocked-device-only keys are used from API 28 when present.
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
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
    }
}

kotlin {
    jvmToolchain(17)
}

val generateUniffiKotlin by tasks.registering(Exec::class) {
    description = "Generates the Kotlin bindings from the Rust library with the workspace's uniffi-bindgen."
    workingDir = repoRoot
    val out = generatedKotlin.get().asFile
    outputs.dir(out)
    commandLine(
        "sh", "-c",
        "cargo build -p harbour-ffi --features bindgen && " +
            "target/debug/uniffi-bindgen generate --library target/debug/libharbour_ffi.so " +
            "--language kotlin --out-dir '${out.absolutePath}'"
    )
}

tasks.named("preBuild") { dependsOn(generateUniffiKotlin) }

dependencies {
    // JNA loads the Rust library. The @aar variant carries JNA's own native parts for each ABI.
    implementation("net.java.dev.jna:jna:5.14.0@aar")
    // The slow calls are suspend functions; the generated code awaits them with coroutines.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.10.2")

    testImplementation("junit:junit:4.13.2")
    // The plain jar (not the aar) for JVM unit tests on the build machine.
    testImplementation("net.java.dev.jna:jna:5.14.0")
}
