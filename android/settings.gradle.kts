// Lets the module build on its own (`gradle :harbour:assembleRelease`). An app includes it
// instead with `include(":harbour")` and `project(":harbour").projectDir = file("…/android")`.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "harbour"
