#!/usr/bin/env bash
# Regenerates the shifted-code pair of testdata/sarif/shifted/: bandit's SARIF for app.py and for
# app-shifted.py, the same code moved down by ten lines (ten comment lines added at the top).
# Both are scanned as `app.py` in the same directory, so that only the lines differ.
#
# Needs bandit with its SARIF formatter: python3 -m venv .venv && .venv/bin/pip install
# 'bandit[sarif]==1.9.4' (the repository's .venv is git-ignored). BANDIT names another binary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
bandit="${BANDIT:-$root/.venv/bin/bandit}"

{
    for i in $(seq 1 10); do echo "# added line $i: the code below moves down by ten lines"; done
    cat "$here/app.py"
} > "$here/app-shifted.py"

work="$(mktemp -d /tmp/sarif-shifted.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
scan() { # scan INPUT OUTPUT
    cp "$1" "$work/src/app.py"
    # bandit exits 1 when it finds issues; run from the checkout with a relative path
    (cd "$work/src" && "$bandit" -f sarif -o "$work/out.sarif" app.py) || [ $? -eq 1 ]
    # the run's end time is the only thing that differs between runs: fixed for stable output
    python3 - "$work/out.sarif" "$2" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
for run in log.get("runs", []):
    for inv in run.get("invocations", []):
        if "endTimeUtc" in inv:
            inv["endTimeUtc"] = "2026-12-02T00:00:00Z"
json.dump(log, open(sys.argv[2], "w"), indent=2)
open(sys.argv[2], "a").write("\n")
PY
}
scan "$here/app.py" "$here/bandit-1.9.4-app.sarif"
scan "$here/app-shifted.py" "$here/bandit-1.9.4-app-shifted.sarif"
"$bandit" --version | head -1
echo "wrote $here/bandit-1.9.4-app.sarif and $here/bandit-1.9.4-app-shifted.sarif"
