#!/usr/bin/env bash
# README's AWS CLI recipe ("asff-convert", `--emit batches`), line for line below the marker:
# every BatchImportFindings request through a file (`--cli-input-json file://…`), never as an
# argument, which Linux caps at 128 KB. asff-convert/tests/aws_cli.rs checks that the lines are README's
# and runs this script, in a directory holding report.json, with the real AWS CLI against a moto
# server (AWS_ENDPOINT_URL), then reads every finding back.
set -eu
# --- the recipe ---
set -o pipefail
batch=$(mktemp)
asff-convert --emit batches report.json | while IFS= read -r line; do
  printf '%s' "$line" > "$batch"
  failed=$(aws securityhub batch-import-findings --cli-input-json "file://$batch" \
    --query FailedCount --output text)
  [ "$failed" = 0 ] || { echo "$failed findings were not imported" >&2; exit 1; }
done
rm -f "$batch"
