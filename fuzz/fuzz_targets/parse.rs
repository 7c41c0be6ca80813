//! `parse_<tool>`: one tool's parser on arbitrary bytes. The tool is taken from the name of the
//! target (this file is shared by every `parse_*` binary in Cargo.toml).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asff_fuzz::check_parse(asff_fuzz::target_tool(), data));
