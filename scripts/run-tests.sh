#!/usr/bin/env bash
# Runs every test: the unit tests, the command-line tests and the conformance suites, first on the
# release build, then again on the sanitizer build (ASan + UBSan). Ends with "N passed, N failed"
# summed over all of them; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared/fixtures/ethereum-tests
total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Runs a command, shows its summary line and adds its "N passed, N failed" counts to the totals.
tally() {
  local label=$1; shift
  local start=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$?
  local pass fail
  pass=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | awk '{p+=$1} END {print p+0}')
  fail=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | awk '{f+=$3} END {print f+0}')
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi   # a crash or a missing summary is a failure
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  printf '%-40s %7d passed, %5d failed  (%ds)\n' "$label" "$pass" "$fail" $((SECONDS - start))
  if [ "$fail" -ne 0 ]; then grep -E 'FAIL|check failed|ERROR|Sanitizer|runtime error' "$log" | head -40; fi
}

unit_tests() {
  local dir=$1 rc=0
  for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    "$t" || { rc=1; echo "FAIL $(basename "$t") exited with an error"; }
  done
  return $rc
}

# The client suites and the hostile-input suite sign transactions with npm packages (tests/clients).
if [ ! -d tests/clients/node_modules/ethers ]; then
  echo "installing the npm packages of tests/clients"
  (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || echo "npm ci failed: the suites that need it will fail"
fi

for b in build build-asan; do
  suffix=""
  [ "$b" = build-asan ] && suffix=" (asan+ubsan)"
  tally "unit tests$suffix" unit_tests "$b"
  tally "statetest command line$suffix" tests/cli/test_statetest_cli.sh "$b/braid"
  tally "blocktest command line$suffix" tests/cli/test_blocktest_cli.sh "$b/braid"
  tally "block: mainnet blocks, bad input$suffix" tests/cli/test_block_cli.sh "$b/braid"
  tally "bench: all workloads, bad options$suffix" tests/cli/test_bench_cli.sh "$b/braid"
  tally "evmbench: format, checks, bad options$suffix" tests/cli/test_evmbench_cli.sh "$b/braid"
  tally "node: over curl, restart, bad input$suffix" tests/cli/test_node_cli.sh "$b/braid"
  tally "node: hostile input$suffix" tests/cli/test_node_hostile.sh "$b/braid"
  kills=50
  [ "$b" = build-asan ] && kills=10
  tally "node: $kills SIGKILLs under load$suffix" tests/cli/test_node_crash.sh "$b/braid" "$kills"
  tally "GeneralStateTests$suffix" "$b/braid" statetest "$SHARED/GeneralStateTests"
  tally "BlockchainTests$suffix" "$b/braid" blocktest "$SHARED/BlockchainTests"
done
# eth_call's interpreter loop (the one that reads the clock to stop at a deadline) on every state test.
tally "GeneralStateTests, bounded loop" build/braid statetest --time-limit 600000 "$SHARED/GeneralStateTests"

# TSan reports races on stderr without failing the checks: any report is a failure.
tsan_parallel() {
  local out
  out=$( { ./build-tsan/test_parallel && ./build-tsan/test_trie_parallel; } 2>&1)
  local rc=$?
  echo "$out"
  if grep -q "WARNING: ThreadSanitizer" <<<"$out"; then echo "FAIL ThreadSanitizer report"; return 1; fi
  return $rc
}
tally "parallel == sequential (tsan)" tsan_parallel

tsan_http() {
  local out rc
  out=$( { ./build-tsan/test_http && ./build-tsan/test_rpc; } 2>&1)
  rc=$?
  echo "$out"
  if grep -q "WARNING: ThreadSanitizer" <<<"$out"; then echo "FAIL ThreadSanitizer report"; return 1; fi
  return $rc
}
tally "JSON-RPC over HTTP (tsan)" tsan_http
tally "node: over curl, restart (tsan)" tests/cli/test_node_cli.sh build-tsan/braid
tally "node: soak, 4 submitting and 2 querying clients (tsan)" tests/cli/test_node_soak.sh build-tsan/braid 15
tally "node: soak, 4 submitting and 2 querying clients" tests/cli/test_node_soak.sh build/braid 30

# Real clients (ethers, viem, Foundry's cast; installed from npm on first run) against a dev node.
clients() {
  local data
  data=$(mktemp -d)
  # the suites' own summary lines are reworded so that only the combined one is counted
  BRAID_NODE_CMD="./build/braid node --dev --block-time 0 --http.port {port} --datadir $data" tests/clients/run.sh 2>&1 |
    sed -E 's/^(ethers|viem|cast): ([0-9]+) passed, ([0-9]+) failed$/\1: \2 checks passed, \3 checks failed/'
  local rc=$?
  rm -rf "$data"
  return $rc
}
tally "node: ethers, viem, cast" clients


# Every libFuzzer target for 30 s from its seed corpus (clang build with ASan+UBSan in build-fuzz); longer
# runs are in docs/HARDENING.md.
tally "fuzz smoke, 30 s per target" scripts/fuzz.sh all 30

# The bench's workloads under TSan through both parallel paths: Block-STM, and execution in order
# with the other workers hashing and making keccak hints. The bench exits 1 when results differ.
tsan_bench() {
  local out rc=0 fails=0 mode
  for mode in BRAID_STM_MIN_TXS BRAID_STM_OFF; do
    out=$(env "$mode=1" ./build-tsan/braid bench --workload all --txs 300 --runs 2 --threads 4 --json 2>&1) || rc=1
    if grep -q "WARNING: ThreadSanitizer" <<<"$out"; then echo "FAIL ThreadSanitizer report ($mode)"; grep -A12 "WARNING: ThreadSanitizer" <<<"$out" | head -30; fails=$((fails + 1)); fi
    [ "$(grep -o '"identical":true' <<<"$out" | wc -l)" -eq 6 ] || { echo "FAIL results differ ($mode)"; fails=$((fails + 1)); }
  done
  echo "$((2 * 2 - fails)) passed, $fails failed"
  [ $rc -eq 0 ] && [ $fails -eq 0 ]
}
tally "bench workloads, both paths (tsan)" tsan_bench

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
