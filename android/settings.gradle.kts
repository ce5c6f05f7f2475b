// Lets the module build on its own (`gradle :assembleRelease` in this directory). An app
// includes it instead (see build.gradle.kts), and its own plugin versions apply; the versions
// below are only for this stand-alone build.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
    plugins {
        id("com.android.library") version "8.7.3"
        id("org.jetbrains.kotlin.android") version "2.1.0"
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "harbour"
