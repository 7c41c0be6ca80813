#!/usr/bin/env bash
# Peak RSS and wall time of asff-convert on large generated reports, beside a plain parse of the
# same bytes (serde_json::Value for JSON; Python's xml.etree.ElementTree DOM for XML).
#
# usage: benches/memory.sh [SCALE] [NAMES]   (SCALE 1.0 = the sizes of issue 17; NAMES: a
#        comma-separated subset of the generated file names, e.g. phpstan.json,zap.xml)
# The reports go to a temporary directory (BENCH_DIR, default /tmp/asff-bench), never into git.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-1.0}
NAMES=${2:-}
DIR=${BENCH_DIR:-/tmp/asff-bench}
mkdir -p "$DIR"
# separately: the example links dev-dependencies, whose features must not change the CLI measured
cargo build --release --locked -p asff-convert --bin asff-convert >&2
cargo build --release --locked -p asff-convert --example value_parse >&2
BIN=target/release/asff-convert
BASE=target/release/examples/value_parse

# peak RSS (MB) and wall seconds of a command, from GNU time
measure() {
  /usr/bin/time -f '%M %e' -o "$DIR/time.out" "$@" >/dev/null 2>"$DIR/stderr.out" || {
    echo "failed: $*" >&2; tail -c 300 "$DIR/stderr.out" >&2; echo "- -"; return; }
  read -r kb secs <"$DIR/time.out"
  echo "$((kb / 1024)) $secs"
}

echo "| report | size (MB) | findings | convert peak RSS (MiB) | × report | target 3×+64 (MiB) | met | convert (s) | plain parse peak RSS (MiB) | plain parse (s) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
python3 benches/generate.py "$DIR" "$SCALE" ${NAMES:+"$NAMES"} | while read -r name path tool; do
  size=$(stat -c %s "$path")
  mb=$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }')
  read -r rss secs < <(measure "$BIN" --format "$tool" --account-id 123456789012 --region us-east-1 \
      --repo https://github.com/org/app --branch main --now 2024-01-01T00:00:00Z --allow-incomplete "$path")
  findings=$(sed -n 's/^[a-z-]*: \([0-9]*\) findings.*/\1/p' "$DIR/stderr.out" | head -1)
  case "$path" in
    *.xml) read -r brss bsecs < <(measure python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$path") ;;
    *) read -r brss bsecs < <(measure "$BASE" "$path") ;;
  esac
  target=$(awk -v s="$size" 'BEGIN { printf "%d", 3 * s / 1048576 + 64 }')
  ratio=$(awk -v r="$rss" -v s="$size" 'BEGIN { printf "%.1f", r * 1048576 / s }')
  met=$([ "$rss" != "-" ] && [ "$rss" -le "$target" ] && echo yes || echo NO)
  echo "| $name | $mb | ${findings:-?} | $rss | $ratio | $target | $met | $secs | $brss | $bsecs |"
  rm -f "$path"
done
