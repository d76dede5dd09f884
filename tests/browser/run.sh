#!/usr/bin/env bash
# The browser test of the HTML map, as CTest runs it:
#   run.sh PAGES_BINARY WORK_DIR NODE_MODULES_DIR...
# Skips (exit 77, with a message) where node, Chromium or playwright-core is missing; CI
# installs them (cmake/install-deps.sh --browser).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pages_binary=$1 work=$2
shift 2
skip() { echo "SKIPPED: $* (install with: bash cmake/install-deps.sh --browser)"; exit 77; }
command -v node >/dev/null || skip "node is not installed"
chromium=${VSPACE_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "Chromium is not installed at $chromium"
modules=""
for dir in "$@" "$(npm root -g 2>/dev/null)"; do
    if [ -n "$dir" ] && [ -f "$dir/playwright-core/package.json" ]; then modules=$dir; break; fi
done
[ -n "$modules" ] || skip "npm package playwright-core not found in: $* (or the global npm root)"
rm -rf "$work/pages"
mkdir -p "$work/pages" "$work/artifacts"
"$pages_binary" "$work/pages" || exit 1
VSPACE_NODE_MODULES=$modules VSPACE_CHROMIUM=$chromium node "$here/map_test.js" check "$work/pages" "$work/artifacts"
