#!/usr/bin/env bash
# Seeds the fuzz corpora from testdata/: testdata/<tool>/** into fuzz/corpus/parse_<tool>/, and
# every tool's reports into fuzz/corpus/detect/. Idempotent; fuzz/corpus/ is not committed.
# Targets come from `cargo fuzz list`, so a tool added to fuzz/Cargo.toml is seeded too.
set -euo pipefail
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$fuzz_dir")"
cd "$root"

seed() { # seed TARGET DIR...
    local target="$1"; shift
    local out="$fuzz_dir/corpus/$target"
    mkdir -p "$out"
    local n=0
    for dir in "$@"; do
        [ -d "$dir" ] || continue
        while IFS= read -r -d '' f; do
            # one file per report, named after its path so reseeding does not duplicate
            local name
            name="$(printf '%s' "${f#"$root"/testdata/}" | tr '/' '_')"
            cp "$f" "$out/seed-$name"
            n=$((n + 1))
        done < <(find "$dir" -type f \( -name '*.json' -o -name '*.xml' -o -name '*.txt' -o -name '*.sarif' \) -print0)
    done
    echo "$target: $n seeds" >&2
}

targets="$(RUSTC_BOOTSTRAP=1 cargo fuzz list)"
for target in $targets; do
    case "$target" in
        parse_*) seed "$target" "$root/testdata/${target#parse_}" ;;
        detect) seed detect "$root"/testdata/*/ ;;
        *) echo "$target: no seeds known" >&2 ;;
    esac
done
