#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what the tests need (virtual environment, the package with
# its test extras, Debian's chromium for the browser tests), then lint and every test with the real model.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
if ! command -v chromium >/dev/null 2>&1; then
  bash .ci/install-browser.sh
fi
.venv/bin/ruff check assistant tests eval app.py
.venv/bin/python -m pytest "$@"
