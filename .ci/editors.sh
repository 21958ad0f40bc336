#!/usr/bin/env bash
# The editor integrations, from a fresh clone: builds and tests the VS Code extension (.vsix),
# runs the Neovim plugin's headless smoke test and, where a parser can be built for the installed
# Neovim, its tree-sitter queries in Neovim itself; then builds the release binary and plays the
# client sessions against it: pytest-lsp with the capabilities of VS Code, Neovim and Emacs
# (tests/clients), headless Neovim through the plugin (tests/nvim/session.lua), Emacs with eglot
# (tests/emacs/session.el) and VS Code itself, code-server in headless Chromium
# (.ci/vscode-real.sh). Needs Node 20 + npm and cargo; installs Neovim, Python 3 and its venv
# module, Emacs and eglot with apt when they are missing (.ci/vscode-real.sh: what it needs).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# With the time since this script started.
step() { printf '\n== %s [%dm%02ds]\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }

# Runs a headless Neovim test script, which exits by itself with its result. An error outside its
# checks would leave Neovim waiting: `cquit 1` makes that a failure, and a hang ends after 5 min.
nvim_test() {
  timeout 300 nvim --headless -u NONE -i NONE -n -c "luafile $1" -c "cquit 1"
}

# shellcheck source=.ci/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/as-root.sh"

step "tools"
missing=()
if ! command -v nvim >/dev/null; then
  missing+=(neovim)
fi
# Debian's python3 has no ensurepip without python3-venv, so `python3 -m venv` would fail.
if ! command -v python3 >/dev/null || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3 python3-venv)
fi
if (( ${#missing[@]} > 0 )); then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
for tool in node npm nvim python3 cargo; do
  if ! command -v "$tool" >/dev/null; then
    echo "editors.sh: $tool is required and not installed" >&2
    exit 1
  fi
done
echo "node $(node --version), npm $(npm --version), $(nvim --version | head -n 1), $(python3 --version)"

step "VS Code extension: npm ci, type-check, bundle, package, test"
(
  cd editors/vscode
  npm ci --no-audit --no-fund
  npm run package
  npm test
  vsix="$(node -p 'const p = require("./package.json"); `${p.name}-${p.version}.vsix`')"
  if [[ ! -s "$vsix" ]]; then
    echo "editors.sh: editors/vscode/$vsix was not written" >&2
    exit 1
  fi
  echo "built editors/vscode/$vsix"
)

step "Neovim plugin: smoke test"
nvim_test tests/nvim/smoke.lua

step "Neovim plugin: queries in Neovim's tree-sitter"
# The parser must match this Neovim's tree-sitter ABI: the committed grammar/src/parser.c when it
# can load it, else one generated for its ABI with the tree-sitter CLI.
abi="$(nvim --headless -u NONE -i NONE -n -c 'lua io.stdout:write(tostring(vim.treesitter.language_version))' -c 'qa!')"
grammar_abi="$(sed -n 's/^#define LANGUAGE_VERSION \([0-9]*\)$/\1/p' grammar/src/parser.c)"
tree_sitter="${TREE_SITTER:-$(command -v tree-sitter || true)}"
if [[ -z "$tree_sitter" && -x "$HOME/.cache/planls-tools/tree-sitter-cli/bin/tree-sitter" ]]; then
  tree_sitter="$HOME/.cache/planls-tools/tree-sitter-cli/bin/tree-sitter"
fi
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
source_dir=""
if ! command -v cc >/dev/null; then
  echo "SKIPPED: no C compiler (cc) to build the plan parser"
elif (( abi >= grammar_abi )); then
  source_dir="$repo/grammar/src"
elif [[ -n "$tree_sitter" ]]; then
  cp grammar/grammar.js grammar/tree-sitter.json "$build/"
  (cd "$build" && "$tree_sitter" generate --abi "$abi" >/dev/null)
  source_dir="$build/src"
else
  echo "SKIPPED: Neovim loads tree-sitter ABI $abi at most, grammar/src/parser.c is ABI $grammar_abi," \
    "and no tree-sitter CLI (TREE_SITTER or tree-sitter on PATH) is there to generate an ABI $abi parser"
fi
if [[ -n "$source_dir" ]]; then
  cc -shared -fPIC -O2 -I "$source_dir" "$source_dir/parser.c" -o "$build/plan.so"
  PLANLS_TS_PARSER="$build/plan.so" nvim_test tests/nvim/queries.lua
fi

step "client sessions against the release build of planls serve"
cargo build --release
planls="$repo/target/release/planls"
echo "server: $planls ($("$planls" --version))"

step "pytest-lsp sessions: VS Code, Neovim and Emacs capabilities"
# Any failure, and "no tests ran" (pytest's exit status 5), fails the step; -vv shows whole diffs.
# The first run also makes tests/clients/.venv (pip from PyPI).
PLANLS_BIN="$planls" timeout 600 tests/clients/run.sh -vv -ra

step "Neovim session (headless, through the plugin)"
PLANLS_BIN="$planls" nvim_test tests/nvim/session.lua

step "Emacs session (batch, eglot with the README's snippet)"
if ! emacs --batch --eval "(progn (package-initialize) (require 'eglot))" >/dev/null 2>&1; then
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq emacs-nox elpa-eglot
fi
emacs --version | head -n 1
PLANLS_BIN="$planls" timeout 300 emacs --batch -l tests/emacs/session.el

step "VS Code session (code-server in headless Chromium, through the .vsix)"
bash .ci/vscode-real.sh "editors/vscode/$(cd editors/vscode && node -p 'const p = require("./package.json"); `${p.name}-${p.version}.vsix`')" "$planls"

step "editors: all passed"
