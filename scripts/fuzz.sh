#!/usr/bin/env bash
# Runs a libFuzzer target for a while: scripts/fuzz.sh TARGET SECONDS (TARGET: rlp, tx, block, rpc,
# trie, ... i.e. fuzz/fuzz_TARGET.c, or "all" for each in turn).
# Builds build-fuzz with clang when needed. Each run starts from a copy of fuzz/corpus/TARGET under
# build-fuzz/fuzz-work/TARGET, so new inputs never land in the committed corpus. Prints the exec count;
# exits non-zero when a target crashed, leaked or timed out, naming the saved input.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 TARGET|all SECONDS" >&2
  exit 2
fi
target=$1 seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz

if [ "$target" = all ]; then
  targets=()
  for f in "$root"/fuzz/fuzz_*.c; do n=$(basename "$f" .c); targets+=("${n#fuzz_}"); done
else
  targets=("$target")
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang cmake -S "$root" -B "$build" -DBRAID_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
fi
bins=()
for t in "${targets[@]}"; do bins+=("fuzz_$t"); done
cmake --build "$build" -j2 --target "${bins[@]}" >/dev/null || {
  echo "fuzz.sh: build failed (run: cmake --build $build --target ${bins[*]})" >&2
  exit 1
}

failed=0 failures=0
for t in "${targets[@]}"; do
  work=$build/fuzz-work/$t
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  [ -d "$root/fuzz/corpus/$t" ] && cp "$root/fuzz/corpus/$t"/* "$work/corpus/" 2>/dev/null
  log=$work/log
  # -rss_limit_mb and -timeout are libFuzzer's defaults spelled out, so that a slow input is a finding.
  "$build/fuzz_$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1
  rc=$?
  execs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  if [ $rc -ne 0 ]; then
    failed=1
    failures=$((failures + 1))
    echo "fuzz_$t: FAILED after ${execs:-?} execs (exit $rc); log: $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY)' "$log" | head -3
    grep -E 'Test unit written to' "$log" | sed 's/^.*Test unit written to /  crashing input: /'
  else
    echo "fuzz_$t: ${execs:-?} execs in ${seconds}s, no crash (corpus $(ls "$work/corpus" | wc -l) inputs)"
  fi
done
echo "$((${#targets[@]} - failures)) passed, $failures failed"
exit $failed
