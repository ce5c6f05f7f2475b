//! Wiping the part of a thread's stack that decryption just used.
//!
//! Heap copies of keys and plaintext are wiped by their zeroizing types, but the cipher
//! libraries also pass blocks of plaintext through the stack (keystream XOR buffers, spilled
//! vector registers), where nothing wipes them: the leak scan in tests/tests/leaks.rs found
//! note text there after the vault was locked. Calling [`scrub`] at the end of an operation
//! overwrites the stack below the caller, where those callees' frames were. The session
//! state's guards (`harbour/state.rs`) call it when they drop, so no call site has to.

/// How much stack below the caller is overwritten. Decryption and parsing go far less deep
/// than this (measured by the leak scan); phone threads have hundreds of KiB.
const DEPTH: usize = 32 * 1024;

/// Overwrites `DEPTH` bytes of this thread's stack below the caller's frame.
#[inline(never)]
pub(crate) fn scrub() {
    let mut area = [0u8; DEPTH];
    // Observed, so the zeroing cannot be optimised away.
    std::hint::black_box(&mut area);
}
