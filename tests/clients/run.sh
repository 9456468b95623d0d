#!/usr/bin/env bash
# Runs the real-client suites (ethers, viem, cast) against one JSON-RPC node and prints the combined
# "N passed, N failed"; exit status 0 only when nothing failed.
#
#   tests/clients/run.sh URL          against a node already running at URL
#   tests/clients/run.sh              starts a node, runs the suites, stops it:
#       BRAID_NODE_CMD='./build/braid node --dev --port {port}' tests/clients/run.sh
#     {port} in the command is replaced by a free port; without {port} the node must listen on
#     $BRAID_NODE_PORT (default 8545). Without BRAID_NODE_CMD the node is anvil from the npm package
#     (Cancun rules, automine), which is the reference the suites were written against.
#
# Installs the npm dependencies (npm ci) when node_modules is missing. Environment: VERBOSE=1 prints
# passing assertions too; BRAID_NODE_START_TIMEOUT (seconds, default 60) bounds the wait for the node.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

if [ ! -x node_modules/@foundry-rs/cast-linux-amd64/bin/cast ] || [ ! -d node_modules/ethers ] || [ ! -d node_modules/viem ]; then
  echo "installing npm dependencies (npm ci in tests/clients)" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm ci failed" >&2; exit 2; }
fi

node_pid=
logdir=$(mktemp -d)
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill "$node_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$node_pid" 2>/dev/null
  fi
  rm -rf "$logdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

chain_id() { # URL -> the node's eth_chainId, or nothing
  curl -s -m 2 -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$1" 2>/dev/null |
    sed -n 's/.*"result" *: *"\(0x[0-9a-fA-F]*\)".*/\1/p'
}

url=${1:-}
if [ -z "$url" ]; then
  port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  if [ -n "${BRAID_NODE_CMD:-}" ]; then
    cmd=${BRAID_NODE_CMD//\{port\}/$port}
    [ "$cmd" == "$BRAID_NODE_CMD" ] && port=${BRAID_NODE_PORT:-8545}
  else
    cmd="$here/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil --port $port --hardfork cancun"
  fi
  url="http://127.0.0.1:$port"
  [ -n "$(chain_id "$url")" ] && { echo "something already answers at $url; stop it or pass its URL" >&2; exit 2; }
  echo "starting: $cmd" >&2
  # The node runs from the repository root, so that a relative ./build/braid works.
  (cd "$here/../.." && exec bash -c "exec $cmd") >"$logdir/node.log" 2>&1 &
  node_pid=$!
  deadline=$((SECONDS + ${BRAID_NODE_START_TIMEOUT:-60}))
  until [ -n "$(chain_id "$url")" ]; do
    if ! kill -0 "$node_pid" 2>/dev/null; then
      echo "the node exited before answering eth_chainId; its output:" >&2
      tail -n 30 "$logdir/node.log" >&2
      exit 2
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "the node did not answer eth_chainId at $url within ${BRAID_NODE_START_TIMEOUT:-60} s; its output:" >&2
      tail -n 30 "$logdir/node.log" >&2
      exit 2
    fi
    sleep 0.2
  done
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
    echo "FAIL $name: the suite ended without its summary line" >&2
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

if [ -n "$node_pid" ] && ! kill -0 "$node_pid" 2>/dev/null; then
  echo "FAIL node: the node died during the run; its output:" && tail -n 30 "$logdir/node.log"
  total_fail=$((total_fail + 1))
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
