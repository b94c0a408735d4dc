#!/usr/bin/env bash
# Set up everything on a fresh machine and run the whole test suite.
#
# Creates .venv, installs authgate with its dev extra, installs Debian's
# chromium for the browser tests and nginx for tests/replicas when missing, then runs the linters,
# the type checker and pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'

if ! command -v chromium >/dev/null 2>&1 || ! [ -x /usr/sbin/nginx ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    # nginx: tests/replicas run the deploy/ recipe's proxy in front of the replicas.
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium nginx >/dev/null
fi

.venv/bin/ruff check src tests benchmarks examples
.venv/bin/ruff format --check src tests benchmarks examples
.venv/bin/mypy
exec .venv/bin/pytest -n 2 "$@"
