#!/usr/bin/env bash
# Installs the browser tests' node packages (tests/browser: playwright-core and
# axe-core, exact versions from package-lock.json) with `npm ci`, from the npm
# registry. No browser is downloaded: the tests drive Debian's chromium, which
# scripts/deps.sh installs. Called by `make test`; safe to re-run: it does
# nothing while node_modules matches the lock file.
set -euo pipefail
cd "$(dirname "$0")/../tests/browser"
stamp=node_modules/.jb-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "browser-deps: npm ci in tests/browser"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
