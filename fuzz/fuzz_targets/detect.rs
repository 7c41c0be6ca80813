//! `detect`: format detection, then `convert` with auto-detection, on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asff_fuzz::check_detect(data));
