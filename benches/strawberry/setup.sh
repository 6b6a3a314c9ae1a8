#!/usr/bin/env bash
# Creates (or reuses) the Strawberry benchmark's virtualenv and installs requirements.txt into it.
#   bash benches/strawberry/setup.sh <venv-dir>
# Idempotent: skips the install when <venv-dir>/.installed holds the hash of requirements.txt.
set -euo pipefail

die() { echo "strawberry setup: $*" >&2; exit 1; }

[[ $# -eq 1 && -n "$1" ]] || die "usage: bash $0 <venv-dir>"
venv="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/requirements.txt"
[[ -f "$requirements" ]] || die "missing $requirements"
command -v python3 >/dev/null || die "python3 not found on PATH"

hash="$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$requirements")" \
    || die "cannot hash $requirements"
if [[ -x "$venv/bin/python" && -f "$venv/.installed" && "$(cat "$venv/.installed")" == "$hash" ]]; then
    exit 0
fi

rm -f "$venv/.installed"
python3 -m venv "$venv" || die "python3 -m venv $venv failed (is the venv module installed?)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$requirements" || die "pip install -r $requirements into $venv failed"
"$venv/bin/python" -c 'import strawberry.asgi, asyncpg, uvicorn, uvloop, httptools' \
    || die "the installed packages do not import"
echo "$hash" > "$venv/.installed"
echo "strawberry setup: installed into $venv"
