#!/usr/bin/env bash
# The deploy artifact as users build it: `sam build` of template.yaml, checked and run.
#
# 1. installs the SAM CLI, cargo-lambda and ziglang (cargo-lambda's linker) from PyPI into .venv,
#    pinned, beside what scripts/test.sh installs there;
# 2. in a temporary copy of the checkout (tracked and untracked, not ignored files: no target/),
#    runs `sam validate --lint` and `sam build --parameter-overrides Architecture=x86_64`
#    (arm64, the template's default, cannot be built here: the aarch64 standard library cannot be
#    installed on these machines; the builder picks cargo-lambda's target from the function's
#    Architectures, so x86_64 is the build CI checks);
# 3. checks the artifact: .aws-sam/build/ImportFindingsFunction/bootstrap, an x86-64 ELF
#    executable of at most 25 MB (25,000,000 bytes);
# 4. runs that very bootstrap under a Lambda Runtime API endpoint with the moto server behind it
#    (lambdas/import-findings/tests/runtime_api.rs with IMPORT_FINDINGS_BOOTSTRAP), one real import;
# 5. keeps a copy of it as target/sam-build-check/bootstrap (for scripts/bench-lambda.sh).
#
# Wall time, measured on this project's 2-core machine (2026-12-02, another session's cargo
# builds running beside it):
# - installing the six pinned packages into a fresh .venv: 4 min 13 s (pip's cache warm); on CI
#   scripts/test.sh has installed moto, cfn-lint and awscli before, so less;
# - end to end with .venv installed: 21 min 14 s, of which `sam build` 842 s (a fresh release
#   build: fat LTO, one codegen unit) and 6 1/2 min a debug rebuild of the SDK crates for
#   `cargo test -p import-findings` (other feature unification than test.sh's; now `--workspace`,
#   which reuses test.sh's build: 2 s when it is built);
# - the final version end to end, .venv installed, quiet machine: 8 min 26 s (`sam build` 501 s,
#   the bootstrap 16.1 MB, the Runtime API test reusing the built test binary);
# so on a fresh CI machine, after test.sh, about 13-19 min: CI stays near 30-35 of its 90.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

MOTO_VERSION=5.2.5
CFN_LINT_VERSION=1.58.0
AWSCLI_VERSION=1.46.3
SAM_CLI_VERSION=1.170.0
CARGO_LAMBDA_VERSION=1.9.2
ZIGLANG_VERSION=0.17.0
MAX_BYTES=25000000

installed() { .venv/bin/python -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true; }
if [ "$(installed aws-sam-cli)" != "$SAM_CLI_VERSION" ] \
   || [ "$(installed cargo-lambda)" != "$CARGO_LAMBDA_VERSION" ] \
   || [ "$(installed ziglang)" != "$ZIGLANG_VERSION" ] \
   || [ "$(installed moto)" != "$MOTO_VERSION" ] \
   || [ "$(installed awscli)" != "$AWSCLI_VERSION" ]; then
  echo "== installing aws-sam-cli==$SAM_CLI_VERSION, cargo-lambda==$CARGO_LAMBDA_VERSION, ziglang==$ZIGLANG_VERSION into .venv" >&2
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" "cfn-lint==$CFN_LINT_VERSION" "awscli==$AWSCLI_VERSION" \
    "aws-sam-cli==$SAM_CLI_VERSION" "cargo-lambda==$CARGO_LAMBDA_VERSION" "ziglang==$ZIGLANG_VERSION"
fi
export PATH="$repo/.venv/bin:$PATH"
export MOTO_SERVER="$repo/.venv/bin/moto_server"
export SAM_CLI_TELEMETRY=0
# sam validate needs a region; nothing here talks to AWS
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"

work=$(mktemp -d "${TMPDIR:-/tmp}/sam-build-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "== copying the checkout to $work" >&2
git ls-files -z --cached --others --exclude-standard \
  | tar --null --files-from=- -cf - \
  | tar -xf - -C "$work"

cd "$work"
echo "== sam validate --lint" >&2
sam validate --lint
echo "== sam build --parameter-overrides Architecture=x86_64" >&2
start=$(date +%s)
sam build --parameter-overrides Architecture=x86_64
echo "== sam build took $(( $(date +%s) - start )) s" >&2

bootstrap="$work/.aws-sam/build/ImportFindingsFunction/bootstrap"
echo "== checking $bootstrap" >&2
python3 - "$bootstrap" "$MAX_BYTES" <<'EOF'
import os, struct, sys
path, limit = sys.argv[1], int(sys.argv[2])
if os.path.basename(path) != "bootstrap" or not os.path.isfile(path):
    sys.exit(f"no bootstrap at {path}")
if not os.access(path, os.X_OK):
    sys.exit(f"{path} is not executable")
with open(path, "rb") as f:
    head = f.read(20)
# ELF magic, ELFCLASS64, little-endian, e_type ET_EXEC or ET_DYN, e_machine EM_X86_64 (62)
if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
    sys.exit(f"{path} is not a 64-bit little-endian ELF")
e_type, e_machine = struct.unpack_from("<HH", head, 16)
if e_type not in (2, 3) or e_machine != 62:
    sys.exit(f"{path}: ELF type {e_type}, machine {e_machine}, not an x86-64 executable")
size = os.path.getsize(path)
print(f"bootstrap: x86-64 ELF executable, {size} bytes ({size / 1e6:.1f} MB)", file=sys.stderr)
if size > limit:
    sys.exit(f"bootstrap is {size} bytes, more than {limit}")
EOF

mkdir -p "$repo/target/sam-build-check"
cp "$bootstrap" "$repo/target/sam-build-check/bootstrap"

cd "$repo"
echo "== the sam-built bootstrap under the Runtime API test (moto behind it)" >&2
# --workspace, as scripts/test.sh builds the tests: the same feature unification, so the test
# binary test.sh built is reused (with -p import-findings alone cargo rebuilds the SDK crates)
IMPORT_FINDINGS_BOOTSTRAP="$repo/target/sam-build-check/bootstrap" \
  cargo test --workspace --locked --test runtime_api
echo "== sam-build-check: ok" >&2
