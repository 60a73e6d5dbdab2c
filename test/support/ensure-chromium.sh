#!/usr/bin/env bash
# The Bull Board suite drives a real headless Chromium: Debian's package, since playwright-core never downloads one.
set -euo pipefail
browser=${CHROMIUM_PATH:-chromium}
command -v "$browser" >/dev/null && exit 0
echo "test: installing Debian's chromium for the browser suite"
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && exit 0
fi
echo "test: no Chromium found; install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
exit 1
