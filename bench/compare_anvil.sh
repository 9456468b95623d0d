#!/usr/bin/env bash
# Runs bench/node_load.mjs against anvil and against another node (braid node) side by side: for each
# workload a fresh anvil, then a fresh node of the given command, the same number of transactions, and
# a table of both with the ratio other/anvil (above 1: the other node is faster).
#
#   bench/compare_anvil.sh [-n TXS] [-w "transfer erc20 amm"] [-b BATCH] [-t BLOCK_SECONDS]
#                          [-g GAS_LIMIT] [-r ROUNDS] [NODE_CMD]
#   e.g. bench/compare_anvil.sh -n 10000 './build/braid node --dev --http.port {port} --block-time 1000 --gas-limit 10000000000'
#
# NODE_CMD is any shell command line that starts a JSON-RPC node with the standard dev accounts; it runs
# from the repository root. "{port}" in it is replaced by a free port; without it the node must listen
# on $NODE_PORT (default 8545). Without NODE_CMD only anvil runs (its figures alone). ROUNDS (default 1)
# repeats every run and keeps each side's median end-to-end run.
#
# anvil runs as
#   anvil --port P --hardfork cancun --gas-limit GAS_LIMIT --block-time BLOCK_SECONDS --quiet
# and why:
#   --hardfork cancun   the fork braid executes, so both charge the same gas (anvil's default is newer)
#   --gas-limit G       a big block gas limit (default 10,000,000,000, as the braid command above), so
#                       that the block size, not a 30M-gas cap, is left to the node: 10,000 transfers
#                       fit one block; give the other node the same limit
#   --block-time S      interval mining (default 1 s) instead of automine, as braid's --block-time 1000:
#                       transactions pile up in the pool and go into a block together. anvil's automine
#                       mines a block per submission and leaves what does not fit a block waiting for the
#                       next submission, which a load test never sends (anvil 1.7.1 automining left 7,500
#                       to 8,700 of 10,000 batched transfers pending for good, far below its gas limit)
#   --quiet             no per-transaction log lines (a cost that has nothing to do with execution)
# Left at anvil's defaults: --order fees (all load transactions pay the same fees, so the order is the
# arrival order either way), no --no-mining (nothing would mine), the request size limit (2 MB; a batch
# of 500 swaps is about 250 KB).
#
# The anvil binary is the one from tests/clients/node_modules (npm ci there), or $ANVIL.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
txs=10000 workloads="transfer erc20 amm" batch=500 block_time=1 gas_limit=10000000000 rounds=1
while getopts "n:w:b:t:g:r:h" o; do
  case $o in
  n) txs=$OPTARG ;;
  w) workloads=$OPTARG ;;
  b) batch=$OPTARG ;;
  t) block_time=$OPTARG ;;
  g) gas_limit=$OPTARG ;;
  r) rounds=$OPTARG ;;
  *) sed -n '2,15p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
other_cmd=${1:-}
anvil=${ANVIL:-$root/tests/clients/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}
if [ ! -x "$anvil" ]; then
  echo "compare_anvil: no anvil at $anvil: run npm ci in tests/clients (or set ANVIL)" >&2
  exit 2
fi

# shellcheck source=../tests/clients/lib/node_proc.sh disable=SC1091
. "$root/tests/clients/lib/node_proc.sh"
tmp=$(mktemp -d)
trap 'stop_node; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# run SIDE WORKLOAD ROUND: a fresh node, one load run, its JSON line appended to $tmp/SIDE.WORKLOAD
run() {
  local side=$1 workload=$2 port cmd url
  port=$(free_port)
  if [ "$side" == anvil ]; then
    cmd="$anvil --port $port --hardfork cancun --gas-limit $gas_limit --block-time $block_time --quiet"
  else
    cmd=${other_cmd//\{port\}/$port}
    [ "$cmd" == "$other_cmd" ] && port=${NODE_PORT:-8545}
  fi
  url="http://127.0.0.1:$port"
  echo "== $side $workload (round $3): $cmd" >&2
  start_node "$cmd" "$url" "$tmp/$side.log" 60 || exit 1
  if ! node "$here/node_load.mjs" --url "$url" --workload "$workload" --txs "$txs" --batch "$batch" --timeout 120 --json >"$tmp/out" 2>"$tmp/err"; then
    cat "$tmp/out" "$tmp/err" >&2
    echo "compare_anvil: the $workload load against $side failed" >&2
    exit 1
  fi
  grep -v '^{' "$tmp/out" >&2
  grep '^{' "$tmp/out" >>"$tmp/$side.$workload"
  stop_node
}

sides=anvil
[ -n "$other_cmd" ] && sides="anvil other"
for w in $workloads; do
  for r in $(seq 1 "$rounds"); do
    for side in $sides; do run "$side" "$w" "$r"; done
  done
done

# The median run (by end-to-end seconds) of each side and workload, and the table.
echo
echo "node_load, $txs transactions per workload, batches of $batch; anvil: --block-time $block_time --gas-limit $gas_limit --hardfork cancun${other_cmd:+; other: $other_cmd}"
node -e '
  const fs = require("fs");
  const [dir, sides, ...workloads] = process.argv.slice(1);
  const median = (file) => {
    const rows = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    rows.sort((a, b) => a.e2e_s - b.e2e_s);
    return rows[(rows.length - 1) >> 1];
  };
  const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : "-");
  const cols = [["submit tx/s", "submit_tps", 0], ["e2e s", "e2e_s", 2], ["e2e tx/s", "e2e_tps", 0], ["Mgas/s", "mgas_per_s", 1], ["blocks", "blocks", 0]];
  console.log("workload".padEnd(10) + "node".padEnd(8) + cols.map(([h]) => h.padStart(13)).join(""));
  for (const w of workloads) {
    const a = median(`${dir}/anvil.${w}`);
    console.log(w.padEnd(10) + "anvil".padEnd(8) + cols.map(([, k, d]) => f(a[k], d).padStart(13)).join(""));
    if (sides.includes("other")) {
      const b = median(`${dir}/other.${w}`);
      console.log(w.padEnd(10) + "other".padEnd(8) + cols.map(([, k, d]) => f(b[k], d).padStart(13)).join(""));
      console.log(w.padEnd(10) + "ratio".padEnd(8) + cols.map(([, k]) => (k === "blocks" ? "" : f(b[k] / a[k], 2)).padStart(13)).join(""));
    }
  }
  console.log("ratio: other / anvil (e2e s: below 1 is faster; the rest: above 1 is faster)");
' "$tmp" "$sides" $workloads # one argument per workload
