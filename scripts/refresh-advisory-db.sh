#!/usr/bin/env bash
# Replaces the vendored RustSec advisory database (audit/advisory-db/, read by scripts/audit.sh)
# with the one in DIR: a clone of https://github.com/rustsec/advisory-db or a plain copy of one.
#   scripts/refresh-advisory-db.sh DIR
# Copies every file but .git and records the source commit in SNAPSHOT.txt (kept from DIR when
# DIR has one). Commit the result; the test command never fetches advisories.
set -euo pipefail

if [[ $# -ne 1 || ! -d "$1/crates" ]]; then
    echo "usage: $0 DIR   (DIR holds the advisory database: crates/, LICENSE.txt, ...)" >&2
    exit 2
fi
src="$(cd "$1" && pwd)"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/audit/advisory-db"

for licence in LICENSE.txt LICENSES; do
    if [[ ! -e "$src/$licence" ]]; then
        echo "refresh-advisory-db: $src has no $licence; the licences must travel with the data" >&2
        exit 1
    fi
done

tmp="$(mktemp -d "$root/audit/.advisory-db.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$src" && tar --exclude=./.git -cf - .) | (cd "$tmp" && tar -xf -)
if [[ -d "$src/.git" ]]; then
    commit="$(git -C "$src" rev-parse HEAD)"
    date="$(git -C "$src" log -1 --format=%cs)"
    cat >"$tmp/SNAPSHOT.txt" <<TXT
Snapshot of the RustSec advisory database (public repository rustsec/advisory-db),
commit $commit of $date, as plain files.
Licences: see LICENSE.txt and LICENSES/ in this folder (advisories are CC0-1.0).
Refreshed with scripts/refresh-advisory-db.sh; scripts/audit.sh reads it offline.
TXT
elif [[ ! -f "$tmp/SNAPSHOT.txt" ]]; then
    echo "refresh-advisory-db: $src is no git clone and has no SNAPSHOT.txt naming its commit" >&2
    exit 1
fi
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "refresh-advisory-db: $(find "$dest/crates" -name '*.md' | wc -l) advisories in audit/advisory-db ($(head -2 "$dest/SNAPSHOT.txt" | tail -1))"
