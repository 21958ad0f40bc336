#!/usr/bin/env bash
# Client sessions against `planls serve` with pytest-lsp (VS Code, Neovim and Emacs capabilities).
# Uses PLANLS_BIN, else target/release/planls, else target/debug/planls, else planls on PATH.
# Extra arguments go to pytest, e.g. `tests/clients/run.sh -k hover`.
#
# The virtual environment tests/clients/.venv is made from requirements.txt, and only from it
# (--no-deps: every package is pinned there), when it is absent, was made from other
# requirements, or no longer works (its Python was removed or upgraded).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/requirements.txt"
if ! cmp -s "$here/requirements.txt" "$stamp" || ! "$venv/bin/python" -c 'import pytest_lsp' 2>/dev/null; then
  echo "tests/clients: making $venv from requirements.txt"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.txt"
  "$venv/bin/pip" check --disable-pip-version-check
  # Written last, so that an interrupted install is made again next time.
  cp "$here/requirements.txt" "$stamp"
fi
cd "$here"
status=0
"$venv/bin/pytest" -p no:cacheprovider "$@" || status=$?
if [[ $status -eq 5 ]]; then
  echo "tests/clients: pytest ran no tests (exit status 5), which counts as a failure" >&2
fi
exit "$status"
