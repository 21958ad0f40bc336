# Sourced by .ci/run before `cargo test`: the tools that check planls' exports in
# tests/export_oracles.rs, installed when a fresh machine lacks them, and the variables that
# make that test fail rather than skip without them.
#   tj3 (Debian's tj3, TaskJuggler 3.7.1): the oracle of the forecast;
#   dot (Debian's graphviz): must accept the dot export;
#   Mermaid (npm, the versions of tests/mermaid/package-lock.json) in a cache outside the clone:
#   parses the Mermaid exports and draws the Gantt chart on planls' dates.

# shellcheck source=.ci/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/as-root.sh"

export_tools_missing=()
command -v tj3 >/dev/null || export_tools_missing+=(tj3)
command -v dot >/dev/null || export_tools_missing+=(graphviz)
if (( ${#export_tools_missing[@]} > 0 )); then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "${export_tools_missing[@]}"
fi
echo "$(tj3 --version | head -n 1), $(dot -V 2>&1)"

PLANLS_MERMAID_DIR="${TOOLS:-$HOME/.cache/planls-tools}/mermaid"
mermaid_wanted="$(node -p 'require("./tests/mermaid/package.json").dependencies.mermaid')"
mermaid_found="$(node -p "try { require('$PLANLS_MERMAID_DIR/node_modules/mermaid/package.json').version } catch { '' }")"
if [[ "$mermaid_found" != "$mermaid_wanted" ]] ||
  ! cmp -s tests/mermaid/package-lock.json "$PLANLS_MERMAID_DIR/package-lock.json"; then
  mkdir -p "$PLANLS_MERMAID_DIR"
  cp tests/mermaid/package.json tests/mermaid/package-lock.json "$PLANLS_MERMAID_DIR/"
  (cd "$PLANLS_MERMAID_DIR" && npm ci --no-audit --no-fund --silent)
fi
echo "mermaid $mermaid_wanted in $PLANLS_MERMAID_DIR"

export PLANLS_REQUIRE_TJ3=1 PLANLS_REQUIRE_DOT=1 PLANLS_MERMAID_DIR
