#!/usr/bin/env bash
# The benchmark command: builds what it needs, starts a moto of its own, runs the harness
# (bench/) and prints one table with every figure of docs/performance.md:
#   init (exec to first GET .../invocation/next) against a bare lambda_http + axum floor,
#   first and warm invokes, bootstrap and zip sizes (x86_64, arm64 where that target is
#   installed), peak RSS over 1,000 warm invokes, DynamoDB round trips per endpoint, the
#   overview at 1,000 and 100,000 customers, deleting a customer with 1,000 business
#   transactions, and the local server under 10 s of loopback load (wrk) per path.
#
#   scripts/bench.sh [harness options]   # e.g. --starts 30, --scale 20000, --sections init,size
#   BENCH_SKIP_ARM64=1 scripts/bench.sh  # x86_64 only (the arm64 build doubles the build time)
#
# The table is also written to bench-results/latest.md (logs in bench-results/logs/).
# Builds run with nice -n 10, one cargo build at a time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dokumentenaustausch/target}"
export CARGO_TERM_COLOR=never
export PATH="$root/.venv/bin:$PATH"
started=$SECONDS
functions=(customers accesses authorisations registration transactions)

step() { printf '\n== %s\n' "$*" >&2; }

step "setup: Python venv (moto, cargo-lambda, zig)"
scripts/setup-venv.sh >&2

if ! command -v wrk >/dev/null; then
    step "setup: wrk (Debian)"
    if ! apt-get install -y wrk >/dev/null 2>&1; then
        apt-get update >/dev/null && apt-get install -y wrk >/dev/null
    fi
fi

pkgs=()
for f in "${functions[@]}"; do pkgs+=(-p "$f"); done

build_arch() { # target lambda-dir
    local target="$1" dir="$2"
    step "cargo lambda build --release --target $target (functions)"
    nice -n 10 cargo lambda build --release --target "$target" --output-format zip \
        --lambda-dir "$dir" "${pkgs[@]}" >&2
    # The floor on its own, so that no feature of the functions' dependencies leaks into it.
    step "cargo lambda build --release --target $target (bench-floor)"
    nice -n 10 cargo lambda build --release --target "$target" --output-format zip \
        --lambda-dir "$dir" -p bench-floor >&2
}

x86_target=x86_64-unknown-linux-gnu
build_arch "$x86_target" "$CARGO_TARGET_DIR/lambda-x86_64"
args=(--x86-bin "$CARGO_TARGET_DIR/$x86_target/release" --x86-zip "$CARGO_TARGET_DIR/lambda-x86_64")

arm_target=aarch64-unknown-linux-gnu
if [[ "${BENCH_SKIP_ARM64:-0}" == 1 ]]; then
    echo "arm64: skipped (BENCH_SKIP_ARM64=1)" >&2
    args+=(--arm-note "arm64: skipped (BENCH_SKIP_ARM64=1)")
elif rustup target list --installed 2>/dev/null | grep -qx "$arm_target"; then
    build_arch "$arm_target" "$CARGO_TARGET_DIR/lambda-arm64"
    args+=(--arm-bin "$CARGO_TARGET_DIR/$arm_target/release" --arm-zip "$CARGO_TARGET_DIR/lambda-arm64")
else
    echo "arm64: target not installed" >&2
    args+=(--arm-note "arm64: target not installed (rustup target add $arm_target)")
fi

# The harness, and the local server as `cargo run -p local-server` builds it (dev profile,
# dependencies at opt-level 1): both share the test builds' dependencies.
step "cargo build -p bench -p local-server (dev profile)"
nice -n 10 cargo build --quiet -p bench -p local-server >&2
args+=(--local-server "$CARGO_TARGET_DIR/debug/local-server")

step "moto (a server of its own, so that no test run shares it)"
export MOTO_RUN_DIR="$root/.venv/run-bench"
eval "$(scripts/moto.sh start)"
trap 'scripts/moto.sh stop >/dev/null 2>&1 || true' EXIT
echo "moto at $MOTO_ENDPOINT" >&2

mkdir -p bench-results
step "harness (builds took $((SECONDS - started)) s)"
"$CARGO_TARGET_DIR/debug/bench" --moto "$MOTO_ENDPOINT" --root "$root" "${args[@]}" \
    --out bench-results/latest.md "$@"
echo "bench: $((SECONDS - started)) s in all" >&2
