#!/usr/bin/env bash
# Run the test suite: installs what the tests need (headless Chromium for the HTML report test, when this machine
# can install it), then pytest with any arguments given. Run from anywhere after the quick start's install.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f scripts/install-chromium.sh ]; then
    bash scripts/install-chromium.sh || echo "scripts/test.sh: could not install chromium; the report rendering test will skip" >&2
fi
exec .venv/bin/python -m pytest -q "$@"
