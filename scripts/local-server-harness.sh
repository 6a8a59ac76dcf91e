# Sourced by scripts/test-browser.sh and scripts/test-schemathesis.sh: a work folder, an exit
# trap that stops the local server and removes the folder, `fail`, and the local-server binary.
#
# Set before sourcing: ROOT (the repository) and NAME (the script's name, for messages).
# Provides: WORK, SERVER_PID (set it when starting the server), fail MESSAGE [LOG],
# local_server_bin (prints the binary: LOCAL_SERVER_BIN, or a dev build in CARGO_TARGET_DIR,
# default target).

# The browser tests and schemathesis exercise the product, not its abuse limits (the API tests
# do: tests/api/limits.rs): their many sign-ups from one address and one mobile number stay
# under these raised limits, as the contract lets tests raise them.
export LIMIT_INVITATIONS_PER_SPECIALIST=${LIMIT_INVITATIONS_PER_SPECIALIST:-100000}
export LIMIT_SMS_PER_NUMBER=${LIMIT_SMS_PER_NUMBER:-100000}
export LIMIT_REGISTRATION_REQUESTS_PER_MINUTE=${LIMIT_REGISTRATION_REQUESTS_PER_MINUTE:-100000}

WORK=$(mktemp -d)
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "$NAME: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then tail -n 80 "$2" >&2; fi
  exit 1
}

local_server_bin() {
  local bin target_dir
  if [ -n "${LOCAL_SERVER_BIN:-}" ]; then
    bin=$LOCAL_SERVER_BIN
  else
    target_dir=${CARGO_TARGET_DIR:-target}
    case "$target_dir" in /*) ;; *) target_dir="$ROOT/$target_dir" ;; esac
    CARGO_TARGET_DIR="$target_dir" cargo build -q -p local-server >"$WORK/build.log" 2>&1 \
      || fail "cargo build -p local-server failed" "$WORK/build.log"
    bin="$target_dir/debug/local-server"
  fi
  [ -x "$bin" ] || fail "no local-server binary at $bin"
  echo "$bin"
}
