#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the HTML report rendering test (tests/test_output_report.py).
# No-op when chromium is already on PATH. Uses apt-get (with sudo when not root). Exits non-zero when it cannot
# install; the test then skips with a reason, so callers may treat a failure here as "skip the browser test".
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "install-chromium.sh: not root and no password-less sudo: install the 'chromium' package yourself" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium.sh: no apt-get on this machine: install Chromium with your package manager" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
"${SUDO[@]}" apt-get clean  # the downloaded .deb files: ~100 MB a small CI disk may not have
command -v chromium >/dev/null 2>&1
