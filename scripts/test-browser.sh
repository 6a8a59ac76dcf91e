#!/usr/bin/env bash
# Browser tests of the web console and the registration page.
#
# Installs what the tests need when it is missing (Debian's chromium, the npm packages in
# tests/browser), checks that no function in web/ is over 80 lines, starts the local server on a
# free port, runs the Node test runner in tests/browser against it, stops the server and exits
# with the tests' result.
# Quiet on success except the test runner's summary; screenshots go to screenshots/.
#
# Environment: CARGO_TARGET_DIR (default: target), LOCAL_SERVER_BIN (use this binary instead of
# building one), CHROMIUM_PATH (default /usr/bin/chromium).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
NAME=test-browser
# shellcheck source=scripts/local-server-harness.sh
. "$ROOT/scripts/local-server-harness.sh"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# 1. Chromium from Debian (never a browser download through Playwright).
if [ ! -x "$CHROMIUM" ]; then
  export DEBIAN_FRONTEND=noninteractive
  { as_root apt-get update -qq && as_root apt-get install -y -qq chromium; } >"$WORK/apt.log" 2>&1 \
    || fail "installing chromium failed" "$WORK/apt.log"
  [ -x "$CHROMIUM" ] || fail "chromium is not at $CHROMIUM after installing it"
fi

# 2. npm packages (playwright-core, and acorn for the source checks), from the committed lock
# file, installed once per lock file into ~/.cache/dokumentenaustausch/npm/ and linked into the
# clone as tests/browser/node_modules (a fresh clone on this machine finds them ready).
npm_cache="${DOKUMENTENAUSTAUSCH_CACHE:-$HOME/.cache/dokumentenaustausch}/npm"
npm_dir="$npm_cache/browser-$(sha256sum <tests/browser/package-lock.json | cut -c1-16)"
if [ ! -f "$npm_dir/.installed" ]; then
  rm -rf "$npm_dir"
  mkdir -p "$npm_dir"
  cp tests/browser/package.json tests/browser/package-lock.json "$npm_dir/"
  (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error) >"$WORK/npm.log" 2>&1 \
    || fail "npm ci for tests/browser failed" "$WORK/npm.log"
  touch "$npm_dir/.installed"
fi
if [ -d tests/browser/node_modules ] && [ ! -L tests/browser/node_modules ]; then
  rm -rf tests/browser/node_modules
fi
ln -sfn "$npm_dir/node_modules" tests/browser/node_modules

# 3. No function of the web console over 80 lines (prints a one-line summary).
node tests/browser/function-length.mjs || fail "function length check of web/ failed (see above)"

# 4. The local server.
BIN=$(local_server_bin)

PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})")
BASE_URL="http://127.0.0.1:$PORT"
PORTAL_BASE_URL="$BASE_URL" "$BIN" --port "$PORT" --outbox "$WORK/outbox" --web "$ROOT/web" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# Wait until it answers (config.json is a static file the server always has).
ready=""
for _ in $(seq 1 150); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    fail "local-server exited before answering" "$WORK/server.log"
  fi
  if node -e "fetch('$BASE_URL/config.json').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.2
done
[ -n "$ready" ] || fail "local-server did not answer on $BASE_URL within 30 s" "$WORK/server.log"

# 5. The tests. One file at a time: each starts its own Chromium on a 2-core machine.
set +e
(cd tests/browser && BASE_URL="$BASE_URL" CHROMIUM_PATH="$CHROMIUM" \
  node --test --test-concurrency=1 --test-timeout=180000 --test-reporter=tap ./*.test.mjs) >"$WORK/tests.tap" 2>&1
status=$?
set -e

if [ "$status" -ne 0 ]; then
  cat "$WORK/tests.tap"
  echo "--- local-server log (last 40 lines) ---" >&2
  tail -n 40 "$WORK/server.log" >&2
else
  # The runner's closing summary only (# tests, # pass, # fail, ...).
  grep -E '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$WORK/tests.tap" || cat "$WORK/tests.tap"
fi
exit "$status"
