#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine with nothing else done first.
#
# It installs what the tests need into .venv (the moto server that stands in for Security Hub
# and S3 on 127.0.0.1, cfn-lint for template.yaml, the AWS CLI for README's recipe), checks the SAM template, runs the
# workspace's tests (unit, integration, golden, doc) and a short fuzz-free smoke of the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
CFN_LINT_VERSION=1.58.0
# the AWS CLI runs README's recipe (asff-convert/tests/aws_cli.rs)
AWSCLI_VERSION=1.46.3

if ! .venv/bin/python -c "import moto, cfnlint, awscli" 2>/dev/null \
   || [ "$(.venv/bin/python -c 'import moto; print(moto.__version__)' 2>/dev/null)" != "$MOTO_VERSION" ] \
   || [ "$(.venv/bin/python -c 'import awscli; print(awscli.__version__)' 2>/dev/null)" != "$AWSCLI_VERSION" ]; then
  echo "== installing moto[server]==$MOTO_VERSION, cfn-lint==$CFN_LINT_VERSION and awscli==$AWSCLI_VERSION into .venv" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" "cfn-lint==$CFN_LINT_VERSION" "awscli==$AWSCLI_VERSION"
fi
export PATH="$PWD/.venv/bin:$PATH"
export MOTO_SERVER="$PWD/.venv/bin/moto_server"

if [ -f template.yaml ]; then
  echo "== cfn-lint template.yaml" >&2
  cfn-lint template.yaml
fi

echo "== cargo test --workspace" >&2
cargo test --workspace --locked "$@"
