#!/usr/bin/env bash
# Runs the real-client suites (ethers, viem, cast) against one JSON-RPC node and prints the combined
# "N passed, N failed"; exit status 0 only when nothing failed.
#
#   tests/clients/run.sh URL          against a node already running at URL
#   tests/clients/run.sh              starts a node, runs the suites, stops it:
#       BRAID_NODE_CMD='./build/braid node --dev --http.port {port}' tests/clients/run.sh
#     {port} in the command is replaced by a free port; without {port} the node must listen on
#     $BRAID_NODE_PORT (default 8545). Without BRAID_NODE_CMD the node is anvil from the npm package
#     (Cancun rules, automine), which is the reference the suites were written against.
#
# Installs the npm dependencies (npm ci) when node_modules is missing. Environment: VERBOSE=1 prints
# passing assertions too; BRAID_NODE_START_TIMEOUT (seconds, default 60) bounds the wait for the node.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 2

if [ ! -x node_modules/@foundry-rs/cast-linux-amd64/bin/cast ] || [ ! -d node_modules/ethers ] || [ ! -d node_modules/viem ]; then
  echo "installing npm dependencies (npm ci in tests/clients)" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm ci failed" >&2; exit 2; }
fi

# shellcheck source=lib/node_proc.sh
. "$here/lib/node_proc.sh"
logdir=$(mktemp -d)
trap 'stop_node; rm -rf "$logdir"' EXIT
trap 'exit 130' INT TERM

url=${1:-}
if [ -z "$url" ]; then
  port=$(free_port)
  if [ -n "${BRAID_NODE_CMD:-}" ]; then
    cmd=${BRAID_NODE_CMD//\{port\}/$port}
    [ "$cmd" == "$BRAID_NODE_CMD" ] && port=${BRAID_NODE_PORT:-8545}
  else
    cmd="$here/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil --port $port --hardfork cancun"
  fi
  url="http://127.0.0.1:$port"
  echo "starting: $cmd" >&2
  # The node runs from the repository root, so that a relative ./build/braid works.
  if ! start_node "$cmd" "$url" "$logdir/node.log" "${BRAID_NODE_START_TIMEOUT:-60}"; then
    echo "FAIL node: the node did not start"
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "node up at $url (chain id $(($(chain_id "$url"))))" >&2
elif [ -z "$(chain_id "$url")" ]; then
  echo "FAIL node: no JSON-RPC node answers eth_chainId at $url"
  echo "0 passed, 1 failed"
  exit 1
fi

total_pass=0 total_fail=0
run_suite() { # NAME COMMAND...: runs one suite, echoes its output, adds up its summary line
  local name=$1 out summary
  shift
  echo "== $name" >&2
  out=$("$@" 2>&1)
  echo "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
  summary=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -z "$summary" ]; then
    echo "FAIL $name: the suite ended without its summary line"
    total_fail=$((total_fail + 1))
    return
  fi
  echo "$name: $summary" >&2
  total_pass=$((total_pass + $(echo "$summary" | awk '{ print $1 }')))
  total_fail=$((total_fail + $(echo "$summary" | awk '{ print $3 }')))
}

run_suite ethers node ethers.test.mjs "$url"
run_suite viem node viem.test.mjs "$url"
run_suite cast ./cast.sh "$url"

if [ -n "$NODE_PID" ] && ! kill -0 "$NODE_PID" 2>/dev/null; then
  echo "FAIL node: the node died during the run; its output:" && tail -n 30 "$logdir/node.log"
  total_fail=$((total_fail + 1))
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
