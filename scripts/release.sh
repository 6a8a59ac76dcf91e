#!/usr/bin/env bash
# The build that deploys: run it before `sam deploy`. Lints the template, runs `sam build` of
# every function for arm64 in the release profile (fat LTO, one codegen unit), checks that each
# is an arm64 Lambda bootstrap, and prints each function's zip (deflate, as `sam deploy`
# uploads it) against the 3.0 MB target of docs/performance.md.
#   scripts/release.sh               # then: sam deploy (see README, "Deploy")
#   scripts/release.sh --skip-lint   # the build only (the test command lints beside it)
# Last line: `release: N functions built for arm64, zips A-B MB (target 3.0 MB: ...)`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dokumentenaustausch/target}"

mode=--build
case "${1:-}" in
    "") ;;
    --skip-lint) mode=--build-only ;;
    *)
        echo "usage: $0 [--skip-lint]" >&2
        exit 2
        ;;
esac

scripts/setup-venv.sh >/dev/null
scripts/check-template.sh "$mode"
.venv/bin/python scripts/zip_sizes.py .aws-sam/build 3.0
