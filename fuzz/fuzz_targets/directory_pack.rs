#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| harbour_core::fuzzing::directory_pack(data));
