#!/usr/bin/env bash
# Audits the dependencies in Cargo.lock with cargo-deny (deny.toml): security advisories from
# the RustSec database vendored in audit/advisory-db/ (never fetched), licences, bans and
# sources. Installs cargo-deny (pinned below) from crates.io into a cache outside the clone the
# first time. Fails on any finding; an advisory that does not apply is ignored in deny.toml
# with its reason. Last line: `audit: N crates, A advisories (K ignored with reasons) ...`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

version=0.20.2
tools="${DOKUMENTENAUSTAUSCH_TOOLS:-$HOME/.cache/dokumentenaustausch/tools}"
deny="$tools/bin/cargo-deny"
if [[ ! -x "$deny" || "$("$deny" --version 2>/dev/null)" != "cargo-deny $version" ]]; then
    echo "audit: installing cargo-deny $version into $tools (once; a few minutes)"
    # Its own temporary target directory, not the project's.
    env -u CARGO_TARGET_DIR cargo install --locked --quiet "cargo-deny@$version" --root "$tools"
fi

# cargo-deny runs offline, so the crates of every platform in Cargo.lock must be present.
cargo fetch --locked --quiet

# cargo-deny reads an advisory database only from a git repository, in a directory named after
# its URL (db-urls in deny.toml) under db-path: make one from the vendored snapshot.
dbs="$(mktemp -d)"
log="$(mktemp)"
trap 'rm -rf "$dbs" "$log"' EXIT
db="$dbs/advisory-db-3157b0e258782691" # cargo-deny's name for https://github.com/rustsec/advisory-db
cp -a audit/advisory-db "$db"
git -C "$db" init --quiet
git -C "$db" add --all
git -C "$db" -c user.name=audit -c user.email=audit@localhost -c commit.gpgsign=false \
    commit --quiet --message "snapshot of audit/advisory-db"

if ! AUDIT_ADVISORY_DBS="$dbs" "$deny" --offline --locked --color never check \
    advisories licenses bans sources >"$log" 2>&1; then
    cat "$log" >&2
    echo "audit: cargo-deny found problems (above); fix them, or ignore an advisory in deny.toml with its reason" >&2
    exit 1
fi
# Warnings (an allowance no crate needs, ...) do not fail the audit, but are shown in full.
if grep -qE '^warning' "$log"; then
    cat "$log"
fi

crates=$(grep -c '^source = "registry+' Cargo.lock)
advisories=$(find audit/advisory-db/crates -name '*.md' | wc -l)
# Ignores are `{ id = "RUSTSEC-...", reason = "..." }` entries of [advisories] ignore.
ignored=$(grep -cE '^\s*\{ *id *= *"RUSTSEC-[0-9]{4}-[0-9]{4}"' deny.toml || true)
snapshot=$(grep -oE 'commit [0-9a-f]{40} of [0-9-]+' audit/advisory-db/SNAPSHOT.txt | sed -E 's/commit ([0-9a-f]{12})[0-9a-f]* of/\1 of/')
echo "audit: $crates crates in Cargo.lock, 0 advisories ($ignored ignored with reasons); licences, bans and sources ok; $advisories advisories in the database ($snapshot)"
