//! Named points where the fault tests stop the process dead, as a kill would, to check that
//! every step of a change to the vault's shape can be interrupted (tests/tests/set_aside.rs).
//! Only in builds with the `fuzzing` feature, which the product never has; elsewhere each
//! point compiles to nothing.

/// Aborts the process if `HARBOUR_CRASH_AT` names this point: no destructor, no flush, no
/// cleanup runs, as with SIGKILL.
#[cfg(feature = "fuzzing")]
pub(crate) fn here(name: &str) {
    if std::env::var_os("HARBOUR_CRASH_AT").is_some_and(|at| at == name) {
        std::process::abort();
    }
}

#[cfg(not(feature = "fuzzing"))]
#[inline(always)]
pub(crate) fn here(_: &str) {}
