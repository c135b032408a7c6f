#!/usr/bin/env bash
# Builds the libFuzzer targets of cpp/fuzz (clang, ASan + UBSan, into
# build/fuzz) and runs a campaign per target, printing per target the
# executions, the coverage (libFuzzer's `cov:` edges) and the findings.
# Exits non-zero when any target finds something.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     default: all 60
#   scripts/fuzz.sh all 20                     the CI smoke campaign
#
# Environment:
#   FUZZ_PARALLEL  targets run at once (default 2; the machine is shared)
#   FUZZ_WORKERS   processes per target (default 1; -fork mode above 1)
#   FUZZ_BUILD     build directory (default build/fuzz)
#   FUZZ_SEEDS     extra seed directory per target (default: generated from
#                  ../shared/parity and tests/fixtures/malformed when present)
#   FUZZ_SEED      libFuzzer's random seed (default: a fresh one per run)
#   FUZZ_MERGE=1   after the campaign, merge what raised coverage into the
#                  minimized corpus kept in the repository (cpp/fuzz/corpus)
#
# Every campaign appends a line per target to $FUZZ_BUILD/ledger.tsv (date,
# target, seconds, executions, edges, findings): docs/reliability.md sums it.
#
# The working corpus grows in $FUZZ_BUILD/corpus/<target> (seeded from the
# minimized corpus in cpp/fuzz/corpus/<target>); findings are written to
# $FUZZ_BUILD/findings/<target>/ and logs to $FUZZ_BUILD/logs/.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

TARGETS=(smf_read write_roundtrip encoder_config decoder constraints session sample)
which_target=${1:-all}
seconds=${2:-60}
parallel=${FUZZ_PARALLEL:-2}
workers=${FUZZ_WORKERS:-1}
build=${FUZZ_BUILD:-build/fuzz}

if [ "$which_target" = all ]; then
  selected=("${TARGETS[@]}")
else
  selected=()
  for t in "${TARGETS[@]}"; do [ "$t" = "$which_target" ] && selected=("$t"); done
  if [ ${#selected[@]} -eq 0 ]; then
    echo "unknown target '$which_target'; one of: ${TARGETS[*]} all" >&2
    exit 2
  fi
fi

set -e
# clang-14 with its runtimes: libclang-rt-14-dev holds libFuzzer's, ASan's and UBSan's.
ensure_apt "command -v clang++-14" clang-14
ensure_apt "ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" libclang-rt-14-dev libfuzzer-14-dev
ensure_apt "command -v cmake" cmake
ensure_apt "test -f /usr/include/nlohmann/json.hpp" nlohmann-json3-dev
set +e

echo "fuzz: building into $build"
mkdir -p "$build"
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMIDIGPT_BUILD_FUZZERS=ON -DMIDIGPT_BUILD_TESTS=OFF >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
targets_to_build=(fuzz_make_seeds)
for t in "${selected[@]}"; do targets_to_build+=("fuzz_$t"); done
cmake --build "$build" --parallel 2 --target "${targets_to_build[@]}" >"$build/build.log" 2>&1 ||
  { tail -50 "$build/build.log"; exit 1; }

seeds=${FUZZ_SEEDS:-$build/seeds}
if [ -z "${FUZZ_SEEDS:-}" ] && [ ! -d "$seeds" ]; then
  seed_args=(--midi tests/fixtures/malformed --config packages/core/encoders)
  [ -d ../shared/parity/midi ] && seed_args+=(--midi ../shared/parity/midi)
  [ -d ../shared/parity/configs ] && seed_args+=(--config ../shared/parity/configs)
  "$build/cpp/fuzz/fuzz_make_seeds" "$seeds" "${seed_args[@]}" || exit 1
fi

mkdir -p "$build/logs"
# Options shared by every run: stop at the first finding, keep memory and time
# per input bounded, and print the final statistics. The time limit finds
# hangs, not slow inputs: the slowest legitimate inputs (the largest scores
# the reader accepts) take over a second alone and far longer on a busy
# machine (a 1.3 s input once took 29 s while other work ran).
common=(-timeout=60 -rss_limit_mb=2560 -print_final_stats=1 -max_total_time="$seconds")
[ -n "${FUZZ_SEED:-}" ] && common+=(-seed="$FUZZ_SEED")

run_target() {
  local t=$1
  local corpus=$build/corpus/$t findings=$build/findings/$t log=$build/logs/$t.log
  mkdir -p "$corpus" "$findings" "cpp/fuzz/corpus/$t"
  local extra=()
  [ -d "$seeds/$t" ] && extra+=("$seeds/$t")
  local dict=()
  [ -f "cpp/fuzz/dict/$t.dict" ] && dict=(-dict="cpp/fuzz/dict/$t.dict")
  local mode=()
  [ "$workers" -gt 1 ] && mode=(-fork="$workers" -ignore_crashes=0)
  "$build/cpp/fuzz/fuzz_$t" "${common[@]}" "${dict[@]}" "${mode[@]}" -artifact_prefix="$findings/" \
    "$corpus" "cpp/fuzz/corpus/$t" "${extra[@]}" >"$log" 2>&1
  echo $? >"$build/logs/$t.rc"
}

# Per target: executions, edges and findings, from libFuzzer's final stats.
report() {
  local t=$1 log=$build/logs/$1.log
  local rc execs cov found
  rc=$(cat "$build/logs/$t.rc" 2>/dev/null || echo 1)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  # Crashes, leaks, timeouts and out-of-memory inputs; libFuzzer's slow-unit
  # files (inputs over 10 s, legitimate on a busy machine) are only listed.
  found=$(find "$build/findings/$t" -type f -newer "$build/logs/$t.start" ! -name 'slow-unit-*' 2>/dev/null | wc -l)
  printf '%-16s %12s execs %8s edges %4s findings  rc %s\n' "$t" "${execs:-0}" "${cov:-?}" "$found" "$rc"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "${execs:-0}" "${cov:-0}" "$found" >>"$build/ledger.tsv"
  if [ "$rc" != 0 ] || [ "$found" != 0 ]; then
    grep -m1 -E 'ERROR: |SUMMARY: |fuzz property failed|runtime error' "$log" | sed 's/^/    /'
    find "$build/findings/$t" -type f -newer "$build/logs/$t.start" ! -name 'slow-unit-*' | sed 's/^/    finding: /'
    return 1
  fi
}

echo "fuzz: ${selected[*]} for ${seconds}s each, $parallel at a time, $workers worker(s) each"
running=0
for t in "${selected[@]}"; do
  touch "$build/logs/$t.start"
  rm -f "$build/logs/$t.rc"
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

status=0
for t in "${selected[@]}"; do report "$t" || status=1; done
if [ "${FUZZ_MERGE:-0}" = 1 ] && [ "$status" = 0 ]; then
  for t in "${selected[@]}"; do
    "$build/cpp/fuzz/fuzz_$t" -merge=1 -rss_limit_mb=2560 -timeout=60 "cpp/fuzz/corpus/$t" "$build/corpus/$t" >"$build/logs/$t.merge.log" 2>&1 ||
      { echo "fuzz: merging the $t corpus failed (see $build/logs/$t.merge.log)"; status=1; }
  done
  echo "fuzz: minimized corpus in cpp/fuzz/corpus: $(find cpp/fuzz/corpus -type f | wc -l) files, $(du -sh cpp/fuzz/corpus | cut -f1)"
fi
[ "$status" = 0 ] && echo "fuzz: no findings" || echo "fuzz: FINDINGS (logs in $build/logs, inputs in $build/findings)"
exit "$status"
