#!/usr/bin/env bash
# Creates the project-local Python venv (.venv/) and installs requirements-dev.txt into it.
# Idempotent: a stamp file holds the sha256 of the requirements; unchanged means nothing to do.
#   scripts/setup-venv.sh                                       # .venv from requirements-dev.txt
#   scripts/setup-venv.sh .venv-checkov requirements-checkov.txt   # another venv (paths in the project)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="${1:-.venv}"
venv="$root/$name"
req="$root/${2:-requirements-dev.txt}"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "venv: up to date ($name)"
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
log="$venv/pip-install.log"
if ! {
    "$venv/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip &&
        "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req"
} >"$log" 2>&1; then
    cat "$log" >&2
    echo "venv: pip install failed (log: $name/pip-install.log)" >&2
    exit 1
fi
echo "$want" >"$stamp"
echo "venv: installed ${2:-requirements-dev.txt} into $name"
