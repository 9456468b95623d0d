# shellcheck shell=bash
# Starting and stopping a JSON-RPC node from a shell script (sourced by tests/clients/run.sh and
# bench/compare_anvil.sh, which runs under set -e). Needs bash, curl and node.
#
#   free_port                  prints a free TCP port on 127.0.0.1
#   chain_id URL               prints the node's eth_chainId (hex), nothing when it does not answer
#   start_node CMD URL LOG [T] runs CMD (a shell command line) from the repository root with its output
#                              in LOG, waits up to T seconds (default 60) until URL answers eth_chainId;
#                              sets NODE_PID; returns 1 with the log's tail on stderr when it does not
#   stop_node                  stops the node started last (TERM, then KILL after 5 s)
NODE_PID=
_node_proc_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

chain_id() {
  curl -s -m 2 -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$1" 2>/dev/null |
    sed -n 's/.*"result" *: *"\(0x[0-9a-fA-F]*\)".*/\1/p'
}

start_node() {
  local cmd=$1 url=$2 log=$3 limit=${4:-60} deadline
  if [ -n "$(chain_id "$url")" ]; then
    echo "something already answers at $url; stop it first" >&2
    return 1
  fi
  (cd "$_node_proc_root" && exec bash -c "exec $cmd") >"$log" 2>&1 &
  NODE_PID=$!
  deadline=$((SECONDS + limit))
  until [ -n "$(chain_id "$url")" ]; do
    if ! kill -0 "$NODE_PID" 2>/dev/null; then
      echo "the node exited before answering eth_chainId ($cmd); its output:" >&2
      tail -n 30 "$log" >&2
      NODE_PID=
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "the node did not answer eth_chainId at $url within $limit s ($cmd); its output:" >&2
      tail -n 30 "$log" >&2
      stop_node
      return 1
    fi
    sleep 0.2
  done
}

stop_node() {
  [ -n "$NODE_PID" ] || return 0
  if kill -0 "$NODE_PID" 2>/dev/null; then
    kill "$NODE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$NODE_PID" 2>/dev/null || true
  fi
  wait "$NODE_PID" 2>/dev/null || true
  NODE_PID=
}
