#!/usr/bin/env bash
# Runs every test of the project on a fresh machine of this kind: installs what the tests need
# (Python venv with moto, SAM CLI, cargo-lambda, cfn-lint, schemathesis; a venv with checkov;
# cargo-deny in ~/.cache/dokumentenaustausch/tools; Chromium and the browser test packages),
# starts moto, and runs
#   formatting and lint checks, the dependency audit (cargo-deny, offline advisory database),
#   the Rust unit and integration tests (in-memory and moto),
#   the template checks (cfn-lint, sam validate, sam build of every function for arm64, checkov),
#   the browser tests, and schemathesis against openapi.yaml on the
#   local server.
# Prints each runner's summary line and fails on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# A target directory outside the clone keeps builds warm across clones.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dokumentenaustausch/target}"
export CARGO_TERM_COLOR=never
started=$SECONDS
summary=()

step() { printf '\n== %s (at %d s)\n' "$*" "$((SECONDS - started))"; }

step "setup: Python venv"
scripts/setup-venv.sh

step "setup: moto (AWS API emulator)"
eval "$(scripts/moto.sh start)"
trap 'scripts/moto.sh stop >/dev/null 2>&1 || true' EXIT
echo "moto at $MOTO_ENDPOINT"

step "cargo fmt --check"
cargo fmt --all -- --check
summary+=("fmt: clean")

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings
summary+=("clippy: clean")

step "dependency audit (cargo-deny: advisories, licences, bans, sources)"
log="$(mktemp)"
if ! scripts/audit.sh 2>&1 | tee "$log"; then
    echo "dependency audit failed" >&2
    exit 1
fi
summary+=("$(grep -E '^audit: ' "$log" | tail -n 1)")
rm -f "$log"

step "cargo test (unit tests, API on memory and on DynamoDB via moto)"
log="$(mktemp)"
if ! cargo test --workspace 2>&1 | tee "$log" | grep -E '^(test result|running [0-9]+ tests|error|failures:|---- )'; then
    :
fi
if grep -qE '^test result: FAILED|^error(\[|:)' "$log"; then
    grep -E -A 30 '^failures:' "$log" | head -200 || true
    echo "cargo test failed" >&2
    exit 1
fi
passed=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | paste -sd+ | bc)
failed=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) failed.*/\1/' | paste -sd+ | bc)
summary+=("cargo test: $passed passed, $failed failed")
rm -f "$log"

step "template checks (cfn-lint, sam validate --lint, sam build)"
log="$(mktemp)"
if ! scripts/check-template.sh --build 2>&1 | tee "$log"; then
    echo "template checks failed" >&2
    exit 1
fi
summary+=("template: cfn-lint and sam validate clean; $(grep -E '^check-template: sam build ok' "$log" | sed 's/^check-template: //')")
rm -f "$log"

step "checkov on template.yaml"
log="$(mktemp)"
if ! scripts/checkov.sh 2>&1 | tee "$log"; then
    echo "checkov found failed checks" >&2
    exit 1
fi
summary+=("$(grep -E '^checkov: ' "$log" | tail -n 1)")
rm -f "$log"

step "browser tests (Chromium, Playwright)"
scripts/test-browser.sh
summary+=("browser tests: passed")

step "schemathesis against openapi.yaml (specialist, administrator, platform admin, end user)"
log="$(mktemp)"
if ! scripts/test-schemathesis.sh 2>&1 | tee "$log"; then
    echo "schemathesis found failures" >&2
    exit 1
fi
summary+=("$(grep -E '^schemathesis: ' "$log" | tail -n 1)")
rm -f "$log"

step "summary ($((SECONDS - started)) s)"
printf '%s\n' "${summary[@]}"
