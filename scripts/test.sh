#!/usr/bin/env bash
# Runs every test of the project, on a fresh machine of this kind as after a one-line change:
# installs what the tests need (Python venv with moto, SAM CLI, cargo-lambda, cfn-lint,
# schemathesis; a venv with checkov; cargo-deny in ~/.cache/dokumentenaustausch/tools;
# Chromium and the browser test packages), starts moto, and runs the steps below. Prints each
# step's output in order, the summary, and a table of each step's seconds; fails on any failure.
#
# Every run (what a change can break):
#   fmt, the dependency audit, the template lint (cfn-lint, sam validate, checkov), the Rust
#   unit and API tests (in-memory and moto), the browser tests, schemathesis on a per-run budget
#   (fixed seed, every operation, role and check) and its targeted properties.
# When their inputs change (a content hash of them, kept in ~/.cache/dokumentenaustausch/stamps;
# a fresh machine has none, so there they always run):
#   clippy over all targets, and the arm64 check of every function with its own features
#     (scripts/check-arm64.sh): every .rs file and Cargo.toml, Cargo.lock, .cargo/config.toml,
#     the check's scripts, the toolchain (rustc, clippy);
#   the release build (`scripts/release.sh`: sam build, fat LTO, arm64, zip sizes): Cargo.lock,
#     every Cargo.toml, template.yaml, .cargo/config.toml, the toolchain and build tools; when
#     it runs, the arm64 check does not (the release build proves more);
#   schemathesis's full run: openapi.yaml, shared/src/http/, its settings and scripts.
# The audit, the template lint and checkov use one core or none: they run beside the Rust build;
# the arm64 check, or the release build where it runs, runs beside the tests and schemathesis;
# the browser tests run last, on a quiet machine.
#
# Environment: TEST_FULL=1 runs every gated step whatever its stamps say.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# A target directory outside the clone keeps builds warm across clones.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dokumentenaustausch/target}"
export CARGO_TERM_COLOR=never
STEPS_CACHE="${DOKUMENTENAUSTAUSCH_CACHE:-$HOME/.cache/dokumentenaustausch}"
# shellcheck source=scripts/lib/steps.sh
. scripts/lib/steps.sh
trap 'steps_exit $?' EXIT

# Two motos: each serves one request at a time (scripts/moto_server.py), and the API tests
# spread over them, each test on one (tests/api/moto.rs).
MOTOS=(1 2)
moto_env="$STEPS_LOGS/moto.env"
start_moto() {
    local i url urls=()
    for i in "${MOTOS[@]}"; do
        url=$(MOTO_RUN_DIR="$root/.run/moto-$i" scripts/moto.sh start | sed -n 's/^export MOTO_ENDPOINT=//p')
        [[ -n "$url" ]] || return 1
        urls+=("$url")
    done
    local IFS=,
    echo "export MOTO_ENDPOINTS=${urls[*]}" | tee "$moto_env"
}
stop_moto() {
    local i
    for i in "${MOTOS[@]}"; do
        MOTO_RUN_DIR="$root/.run/moto-$i" scripts/moto.sh stop >/dev/null 2>&1 || true
    done
}

# The test binaries and, in the same build with the same features, every binary: the browser
# tests and schemathesis run its local server (`cargo build -p local-server` would compile the
# library a second time, without the features the tests enable).
cargo_test_build() {
    cargo build --workspace --all-targets --quiet
}

cargo_test() {
    local log status
    log="$(mktemp)"
    set +e
    # Four tests at a time on two cores: a test waiting for moto leaves its core to another.
    RUST_TEST_THREADS="${RUST_TEST_THREADS:-4}" cargo test --workspace 2>&1 | tee "$log" | grep -E '^(test result|running [0-9]+ tests|error|failures:|---- )'
    set -e
    if grep -qE '^test result: FAILED|^error(\[|:)' "$log"; then
        grep -E -A 30 '^failures:' "$log" | head -200 || true
        rm -f "$log"
        return 1
    fi
    status=$(grep -E '^test result:' "$log" | awk '{p += $4; f += $6} END {print p " passed, " f " failed"}')
    rm -f "$log"
    echo "cargo test: $status"
}

# The release build's inputs, as the issue of fast feedback names them, and the tools that read
# them (a new SAM CLI or cargo-lambda comes through requirements-dev.txt).
release_inputs() {
    inputs_hash Cargo.lock $(git ls-files '*Cargo.toml') template.yaml .cargo/config.toml \
        requirements-dev.txt scripts/release.sh scripts/check-template.sh \
        "=$(rustc -Vv)" "=$(cargo -V)"
}

# clippy over the workspace (with the features the tests unify), then over the local server as
# `cargo run -p local-server` builds it (its default features, no AWS SDK): the README's first
# command, which no other step compiles.
clippy_all() {
    cargo clippy --workspace --all-targets --quiet -- -D warnings
    cargo clippy -p local-server --bins --quiet -- -D warnings
}

# What clippy and the arm64 check read: every Rust source and manifest, the build settings and
# the toolchain (clippy's lints come with it).
rust_inputs() {
    inputs_hash $(git ls-files '*.rs' '*Cargo.toml') Cargo.lock .cargo/config.toml \
        scripts/check-arm64.sh scripts/cross "=$(rustc -Vv)" "=$(cargo clippy -V)" \
        "=$(declare -f clippy_all)"
}

schemathesis_inputs() {
    inputs_hash openapi.yaml shared/src/http schemathesis.toml scripts/test-schemathesis.sh \
        scripts/schemathesis_seed.py scripts/schemathesis_summary.py scripts/schemathesis_targeted.py \
        requirements-dev.txt
}

run_step "setup: Python venv" scripts/setup-venv.sh
run_step "setup: moto (AWS API emulator, two servers)" start_moto
eval "$(cat "$moto_env")"
trap 'status=$?; stop_moto; steps_exit $status' EXIT

start_step "dependency audit (cargo-deny)" --summary '^audit: ' scripts/audit.sh
start_step "template lint (cfn-lint, sam validate)" scripts/check-template.sh
start_step "checkov on template.yaml" --summary '^checkov: ' scripts/checkov.sh

run_step "cargo fmt --check" cargo fmt --all -- --check
# clippy and the arm64 check are functions of the Rust sources, the manifests and the
# toolchain alone: they run when those changed (a fresh clone of the same commit needs neither).
rust_hash=$(rust_inputs)
if [[ "${TEST_FULL:-0}" == 1 ]] || gate clippy "$rust_hash"; then
    run_step clippy clippy_all
    pass_gate clippy "$rust_hash"
else
    skip_step clippy "the Rust sources are unchanged since it passed" "$rust_hash"
fi
run_step "cargo test: build" cargo_test_build
# The browser tests and schemathesis run this binary, so they need no cargo of their own while
# a build runs beside them.
export LOCAL_SERVER_BIN="$CARGO_TARGET_DIR/debug/local-server"

# From here a build runs beside the tests, which leave a core to it (moto serves one request at
# a time; schemathesis runs one worker). The release build proves what the arm64 check does and
# more (it links each function for arm64 with its own features): when it runs, the check does
# not.
release_hash=$(release_inputs)
if [[ "${TEST_FULL:-0}" == 1 ]] || gate release "$release_hash"; then
    [[ "${TEST_FULL:-0}" != 1 ]] || STEP_MODE_OF[release]="TEST_FULL=1"
    beside=release
    start_step release --summary '^release: ' scripts/release.sh --skip-lint
elif gate arm64 "$rust_hash"; then
    beside=arm64
    start_step arm64 --summary '^arm64: ' scripts/check-arm64.sh
else
    beside=""
fi

run_step "cargo test: run" --summary '^cargo test: ' cargo_test

finish_step "dependency audit (cargo-deny)"
finish_step "template lint (cfn-lint, sam validate)"
finish_step "checkov on template.yaml"

schemathesis_hash=$(schemathesis_inputs)
if [[ "${TEST_FULL:-0}" == 1 ]] || gate schemathesis "$schemathesis_hash"; then
    STEP_MODE_OF[schemathesis]="full: inputs changed ($schemathesis_hash)"
    [[ "${TEST_FULL:-0}" != 1 ]] || STEP_MODE_OF[schemathesis]="full: TEST_FULL=1"
    run_step schemathesis --summary '^(schemathesis|targeted): ' scripts/test-schemathesis.sh --full
    pass_gate schemathesis "$schemathesis_hash"
else
    STEP_MODE_OF[schemathesis]="budget: inputs unchanged ($schemathesis_hash)"
    run_step schemathesis --summary '^(schemathesis|targeted): ' scripts/test-schemathesis.sh --budget
fi

[[ -z "$beside" ]] || finish_step "$beside"
case "$beside" in
    release) pass_gate release "$release_hash" ;;
    arm64)
        pass_gate arm64 "$rust_hash"
        skip_step release "its inputs are unchanged since it passed" "$release_hash"
        ;;
    *)
        skip_step arm64 "the Rust sources are unchanged since it passed" "$rust_hash"
        skip_step release "its inputs are unchanged since it passed" "$release_hash"
        ;;
esac

# Last, on a quiet machine: the browser tests wait for what the page shows.
run_step "browser tests (Chromium, Playwright)" --summary '^# (pass|fail) ' scripts/test-browser.sh
