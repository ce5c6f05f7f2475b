#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| harbour_publish::fuzzing::hsds(data));
