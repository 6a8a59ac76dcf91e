#!/usr/bin/env bash
# Proves on every change what the release build would find: every function of template.yaml
# still builds for arm64 (aarch64-unknown-linux-gnu, as deployed) with its own feature set, each
# in its own cargo invocation as `sam build` runs it (one package per build: cargo would unify
# the features of several). The release build itself (fat LTO) is scripts/release.sh.
#   scripts/check-arm64.sh           # cargo check per function (the default: see below)
#   scripts/check-arm64.sh --link    # cargo lambda build --arm64 in the arm64-fast profile
#                                    # (no LTO, many codegen units): also links each bootstrap
# docs/performance.md ("Feedback") has both timed; `cargo check` proves the same compile errors,
# cfgs and feature sets in a fraction of the time, and what only the link can break (a
# missing C symbol) is proven by the release build whenever Cargo.lock or a manifest changes.
# Last line: `arm64: N functions ...`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dokumentenaustausch/target}"
export PATH="$root/.venv/bin:$PATH"
target=aarch64-unknown-linux-gnu

mode=check
case "${1:-}" in
    "") ;;
    --link) mode=link ;;
    *)
        echo "usage: $0 [--link]" >&2
        exit 2
        ;;
esac

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target" >/dev/null
fi
# aws-lc-sys compiles C for the target in its build script, for a check as for a build: zig
# (the venv's, which cargo-lambda uses too) is the cross compiler. cargo-lambda sets its own.
if [[ "$mode" == check ]]; then
    export CC_aarch64_unknown_linux_gnu="$root/scripts/cross/aarch64-cc"
    export AR_aarch64_unknown_linux_gnu="$root/scripts/cross/aarch64-ar"
fi

functions=()
for manifest in functions/*/Cargo.toml; do
    functions+=("$(basename "$(dirname "$manifest")")")
done
started=$SECONDS
for f in "${functions[@]}"; do
    if [[ "$mode" == check ]]; then
        cargo check --quiet --locked --target "$target" -p "$f" --bin "$f"
    else
        cargo lambda build --quiet --arm64 --profile arm64-fast -p "$f" >/dev/null
    fi
done
echo "arm64: ${#functions[@]} functions $([[ "$mode" == check ]] && echo "checked" || echo "built (arm64-fast profile)") for $target, each with its own features, in $((SECONDS - started)) s"
