#!/usr/bin/env bash
# Install Debian's chromium for the browser tests (tests/test_browser.py).
# Playwright's own browser download needs network access CI does not have; the tests point Playwright at
# /usr/bin/chromium instead. Safe to run repeatedly: it does nothing when chromium is already there.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    echo "chromium already installed: $(command -v chromium)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium
echo "chromium installed: $(command -v chromium)"
