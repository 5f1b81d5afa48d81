#!/usr/bin/env bash
# Headless Chromium for the class report's browser test (tests/it/class.rs), installed
# where it is missing: `apt-get install chromium` as root, on Debian or Ubuntu. The test
# runs it when it finds no Chromium (18 s here, 124 MB downloaded: quick enough to stay in
# the test); run it by hand to install ahead. Where Chromium cannot be installed (not
# root, no apt-get, no network) it says why and exits 1, and the browser test reports
# itself skipped (a failure with NETLAB_REQUIRE_BROWSER=1).
set -uo pipefail
if [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "tests/browser.sh: Chromium is missing and this user is not root: sudo $0" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "tests/browser.sh: Chromium is missing and there is no apt-get to install it" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
# Without its recommended packages: the test needs the browser, not its desktop extras.
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; } >&2; then
  echo "tests/browser.sh: could not install Chromium (no network?)" >&2
  exit 1
fi
echo "tests/browser.sh: Chromium installed in $(( $(date +%s) - start )) s" >&2
