#!/usr/bin/env bash
# The HTML report in a real browser: installs Debian's chromium and chromium-driver when they are
# missing (apt) and selenium into a venv cached outside the clone, then runs
# tests/report/browser.py against the release build (which .ci/run has built by now; cargo
# makes it when run alone). Screenshots and pages go to target/report/, CI's artifact. Then
# :PlanlsReport in headless Neovim (tests/nvim/report.lua).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

SELENIUM_VERSION=4.51.0
VENV="$HOME/.cache/planls-tools/report-selenium-$SELENIUM_VERSION"

# shellcheck source=.ci/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/as-root.sh"

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3-venv)
fi
if (( ${#missing[@]} > 0 )); then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "$(chromium --version 2>/dev/null), $(chromedriver --version | cut -d' ' -f1-2)"

if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import selenium' 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "selenium==$SELENIUM_VERSION"
fi

cargo build --release --quiet
timeout 300 "$VENV/bin/python" tests/report/browser.py --planls target/release/planls --out target/report

# :PlanlsReport through the Neovim plugin against the same server (editors.sh installed Neovim).
timeout 300 env PLANLS_BIN="$PWD/target/release/planls" \
  nvim --headless -u NONE -i NONE -n -c "luafile tests/nvim/report.lua" -c "cquit 1"
