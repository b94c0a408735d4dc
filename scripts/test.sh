#!/usr/bin/env bash
# Set up everything on a fresh machine and run the whole test suite.
#
# Creates .venv, installs authgate with its dev extra, installs Debian's
# chromium for the browser tests, nginx for tests/replicas and curl and jq
# for the docs' examples when missing, Node and the test OpenID provider
# (tests/oidc_provider, npm ci), then runs the linters,
# the type checker and pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'

# chromium for the browser tests; nginx for tests/replicas; curl and jq for the docs' curl examples (tests/docs)
MISSING=""
for tool in chromium curl jq; do
    command -v "$tool" >/dev/null 2>&1 || MISSING="$MISSING $tool"
done
# nginx: tests/replicas run the deploy/ recipe's proxy in front of the replicas.
[ -x /usr/sbin/nginx ] || MISSING="$MISSING nginx"
if [ -n "$MISSING" ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
fi

# Node and the test identity provider (panva's oidc-provider, from the lockfile).
if ! command -v npm >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
(cd tests/oidc_provider && npm ci --no-audit --no-fund --silent)

.venv/bin/ruff check src tests benchmarks examples
.venv/bin/ruff format --check src tests benchmarks examples
.venv/bin/mypy
exec .venv/bin/pytest -n 2 "$@"
