#!/usr/bin/env bash
# Builds the fuzz target with libFuzzer on the stable toolchain (no cargo-fuzz, no nightly: the
# coverage instrumentation is rustc's stable `-C passes=sancov-module`) and runs it.
#
#   bash fuzz/run.sh [SECONDS] [LIBFUZZER_OPTION...]
#
# SECONDS (default 60) bounds the run; 0 runs until a failure or Ctrl-C. New inputs go to
# fuzz/corpus/plan, seeded from the analysis fixtures and the examples; a failing input is
# written to fuzz/artifacts/ and the script exits non-zero. Needs a C++ compiler for libFuzzer.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
seconds="${1:-60}"
shift || true

# An explicit target, so that the flags instrument the fuzz target and its libraries but not the
# build scripts, which have no libFuzzer to link against.
target="$(rustc -vV | sed -n 's/^host: //p')"
export RUSTFLAGS="-C passes=sancov-module \
  -C llvm-args=-sanitizer-coverage-level=4 \
  -C llvm-args=-sanitizer-coverage-inline-8bit-counters \
  -C llvm-args=-sanitizer-coverage-pc-table \
  -C llvm-args=-sanitizer-coverage-trace-compares \
  --cfg fuzzing"
cargo build --release --locked --target "$target" --bin plan

mkdir -p corpus/plan artifacts
binary="target/$target/release/plan"
# The first folder receives what the fuzzer finds; the others are read-only seeds.
"$binary" corpus/plan ../tests/fixtures/analysis ../examples \
  -dict=plan.dict \
  -max_total_time="$seconds" \
  -max_len=4096 \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -artifact_prefix=artifacts/ \
  -print_final_stats=1 \
  "$@"
