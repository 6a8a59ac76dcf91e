#!/usr/bin/env bash
# Creates a Python venv for the project from a requirements file, and links it into the clone.
#   scripts/setup-venv.sh                                          # .venv from requirements-dev.txt
#   scripts/setup-venv.sh .venv-checkov requirements-checkov.txt   # another venv (paths in the project)
# The venv itself lives in ~/.cache/dokumentenaustausch/venvs/, named after the sha256 of the
# requirements and the Python version, so that every clone on this machine (CI's fresh clone
# among them) finds it ready; `.venv` in the clone is a link to it. A changed requirements file
# makes a new one. Idempotent; two runs at once wait for each other.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="${1:-.venv}"
link="$root/$name"
req="$root/${2:-requirements-dev.txt}"
python="${PYTHON:-python3}"
cache="${DOKUMENTENAUSTAUSCH_CACHE:-$HOME/.cache/dokumentenaustausch}/venvs"

want="$({ sha256sum <"$req"; "$python" -VV; } | sha256sum | cut -c1-16)"
venv="$cache/${name#.}-$want"
stamp="$venv/.requirements.sha256"

point_link() {
    if [[ -L "$link" || ! -e "$link" ]]; then
        ln -sfn "$venv" "$link"
    else
        # A venv made inside the clone by an earlier version of this script.
        rm -rf "$link"
        ln -s "$venv" "$link"
    fi
}

mkdir -p "$cache"
exec 9>"$venv.lock"
flock 9
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    point_link
    echo "venv: up to date ($name -> ${venv#"$HOME"/})"
    exit 0
fi

rm -rf "$venv"
"$python" -m venv "$venv"
log="$venv/pip-install.log"
if ! {
    "$venv/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip &&
        "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req"
} >"$log" 2>&1; then
    cat "$log" >&2
    echo "venv: pip install failed (log: $log)" >&2
    exit 1
fi
echo "$want" >"$stamp"
point_link
echo "venv: installed ${2:-requirements-dev.txt} into $name -> ${venv#"$HOME"/}"
