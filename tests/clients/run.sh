#!/usr/bin/env bash
# Client sessions against `planls serve` with pytest-lsp (VS Code, Neovim and Emacs capabilities).
# Uses PLANLS_BIN, else target/release/planls, else target/debug/planls, else planls on PATH.
# Extra arguments go to pytest, e.g. `tests/clients/run.sh -k hover`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if [[ ! -x "$venv/bin/pytest" ]] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi
cd "$here"
exec "$venv/bin/pytest" -p no:cacheprovider "$@"
