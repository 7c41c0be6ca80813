#!/usr/bin/env bash
# Fuzz smoke test for CI: builds every fuzz target and runs each one briefly (by default 20,000
# executions or 15 seconds, whichever comes first) on corpora seeded from testdata/.
# Installs cargo-fuzz when it is missing. Works on the stable toolchain (RUSTC_BOOTSTRAP=1).
#
#   fuzz/smoke.sh                 # every target of `cargo fuzz list`
#   fuzz/smoke.sh parse_grype     # some targets
#   FUZZ_SMOKE_RUNS=100000 FUZZ_SMOKE_SECONDS=60 fuzz/smoke.sh
#
# Exit status 1 when any target crashed, panicked, timed out or ran out of memory; the input
# that did it is in fuzz/artifacts/<target>/ (see fuzz/README.md to reproduce it).
set -euo pipefail
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$(dirname "$fuzz_dir")"
export RUSTC_BOOTSTRAP=1
runs="${FUZZ_SMOKE_RUNS:-20000}"
seconds="${FUZZ_SMOKE_SECONDS:-15}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz smoke: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    read -r -a targets <<<"$(cargo fuzz list | tr '\n' ' ')"
fi

"$fuzz_dir/seed.sh"
echo "fuzz smoke: building ${#targets[@]} targets" >&2
cargo fuzz build --debug-assertions

failed=()
for t in "${targets[@]}"; do
    echo "fuzz smoke: $t (${runs} runs or ${seconds}s)" >&2
    log="$(mktemp)"
    if cargo fuzz run --debug-assertions "$t" -- \
        -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^(Done|stat::number_of_executed_units)' "$log" | sed "s/^/  $t: /" >&2 || true
    else
        tail -n 40 "$log" >&2
        failed+=("$t")
    fi
    rm -f "$log"
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz smoke: FAILED: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz smoke: ${#targets[@]} targets ok" >&2
