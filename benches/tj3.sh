#!/usr/bin/env bash
# planls against TaskJuggler on the same 2,000-initiative plan, in two shapes: one chain (each
# initiative waits for the one before) and a realistic graph (`planls generate --unresolved 0
# --initiatives 2000 --seed 1`). Times the whole process of `planls check` (release build) and of `tj3` on
# planls' export of the same plan, A B A B ... with farm-bench; docs/performance.md has the
# figures. Usage: bash benches/tj3.sh [RUNS]   (needs tj3 and farm-bench on PATH)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-5}"

cargo build --release --quiet
planls="$PWD/target/release/planls"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The chain: 2,000 one-day initiatives (TaskJuggler schedules only up to 2035), then a milestone.
mkdir -p "$work/chain"
{
  echo 'program chain "A 2,000-long chain" { start: 2027-01-04 end: 2034-12-31 }'
  echo 'person p "P"'
  echo 'initiative w0 { owner: @p duration: 1d }'
  for i in $(seq 1 1999); do
    echo "initiative w$i { owner: @p duration: 1d depends_on: w$((i - 1)) }"
  done
  echo 'milestone last { owner: @p date: 2033-01-01 requires: w1999 }'
} >"$work/chain/chain.plan"
"$planls" generate --initiatives 2000 --seed 1 --unresolved 0 "$work/graph" >/dev/null

# tj3's Ruby overflows its default 1 MiB VM stack on the 2,000-long chain ("stack level too
# deep"); 2 MB is enough for it, and the realistic graph needs nothing.
export RUBY_THREAD_VM_STACK_SIZE=2000000
for shape in chain graph; do
  "$planls" export --format tjp --today 2027-01-04 "$work/$shape" -o "$work/$shape.tjp"
  echo "== $shape: planls check (A) vs tj3 (B)"
  farm-bench -n "$runs" --timeout 600 \
    --vs "tj3 --silent --no-color -o $work $work/$shape.tjp" \
    -- "$planls" check --today 2027-01-04 --format short "$work/$shape"
done
