#!/usr/bin/env bash
# Soak: several clients submit transactions for a while (batches of transfers the node signs, from
# distinct accounts) while others query (blocks with transactions, balances, logs, calls, receipts).
# Afterwards every accepted transaction has exactly one receipt and the chain holds each once, no request
# failed except by a documented limit, and the node's memory stayed bounded (peak RSS reported).
# Usage: test_node_soak.sh BRAID [SECONDS]   (default 30)
set -u
braid=${1:?usage: $0 path/to/braid [seconds]}
seconds=${2:-30}
tmp=$(mktemp -d)
pid=
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
. "$(dirname "$0")/node_lib.sh"

"$braid" node --dev --http.port 0 --datadir "$tmp/data" --block-time 100 >"$tmp/log" 2>&1 &
pid=$!
url=$(node_url "$tmp/log" "$pid") || { echo "FAIL the node did not start: $(tail -3 "$tmp/log")"; echo "0 passed, 1 failed"; exit 1; }
post() { curl -s -m 30 -H 'content-type: application/json' --data-binary @- "$url"; }

accounts=(0x70997970c51812dc3a010c7d01b50e0d17dc79c8 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc
          0x90f79bf6eb2c4f870365e785982e1f101e93b906 0x15d34aaf54267db7d7c367839aaf71a00a2c6a65
          0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc 0x976ea74026e726554db657fa54763abd0c3a0aa9
          0x14dc79964da2c08b23698b3d3cc7ca32193d9955 0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f)
to=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266

submitter() { # K: batches of 20 transfers from accounts K and K+4
  local batch
  batch=$(for i in $(seq 0 19); do
    printf '{"jsonrpc":"2.0","id":%d,"method":"eth_sendTransaction","params":[{"from":"%s","to":"%s","value":"0x1"}]}\n' \
      "$i" "${accounts[$(($1 + 4 * (i % 2)))]}" "$to"
  done | jq -s -c .)
  while [ ! -f "$tmp/stop" ]; do # finish the batch in flight: its answer counts
    echo "$batch" | post >"$tmp/resp.$1" || { echo "http" >>"$tmp/errors.$1"; continue; }
    jq -r '.[]? | .result // empty' "$tmp/resp.$1" >>"$tmp/accepted.$1"
    jq -r '.[]? | .error.message // empty' "$tmp/resp.$1" >>"$tmp/errors.$1"
    jq -e 'type == "array"' "$tmp/resp.$1" >/dev/null || echo "not a batch answer: $(head -c 200 "$tmp/resp.$1")" >>"$tmp/errors.$1"
  done
}

querier() { # K
  local q='[{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["latest",true]},
            {"jsonrpc":"2.0","id":2,"method":"eth_getBalance","params":["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","latest"]},
            {"jsonrpc":"2.0","id":3,"method":"eth_getLogs","params":[{"fromBlock":"0x0","address":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"}]},
            {"jsonrpc":"2.0","id":4,"method":"eth_call","params":[{"to":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"},"latest"]},
            {"jsonrpc":"2.0","id":5,"method":"eth_feeHistory","params":["0x10","latest",[25,75]]},
            {"jsonrpc":"2.0","id":6,"method":"eth_getTransactionCount","params":["0x70997970c51812dc3a010c7d01b50e0d17dc79c8","pending"]}]'
  q=$(echo "$q" | jq -c .)
  while [ ! -f "$tmp/stop" ]; do
    echo "$q" | post >"$tmp/q.$1" || { echo "http" >>"$tmp/qerrors.$1"; continue; }
    echo 1 >>"$tmp/queries.$1"
    jq -r '.[]? | .error.message // empty' "$tmp/q.$1" >>"$tmp/qerrors.$1"
  done
}

for k in 0 1 2 3; do submitter $k & pids+=($!); done
for k in 0 1; do querier $k & pids+=($!); done
peak=0
for _ in $(seq 1 "$seconds"); do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ "${rss:-0}" -gt "$peak" ] && peak=$rss
  sleep 1
done
touch "$tmp/stop"
for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
pids=()

kill -0 "$pid" 2>/dev/null && ok || bad "the node died during the soak: $(tail -5 "$tmp/log")"
cat "$tmp"/accepted.* 2>/dev/null | sort -u >"$tmp/accepted"
accepted=$(wc -l <"$tmp/accepted")
errors=$(cat "$tmp"/errors.* "$tmp"/qerrors.* 2>/dev/null | sort | uniq -c)
[ -z "$errors" ] && ok || bad "requests failed: $errors"
queries=$(cat "$tmp"/queries.* 2>/dev/null | wc -l)

# wait until the pool has drained into blocks, then: one receipt each, the chain holds each once
for _ in $(seq 1 100); do
  last=$(tail -n 1 "$tmp/accepted")
  r=$(printf '{"jsonrpc":"2.0","id":1,"method":"eth_getTransactionReceipt","params":["%s"]}' "$last" | post | jq -r '.result.status // empty')
  [ -n "$r" ] && break
  sleep 0.2
done
: >"$tmp/receipts"
n=$(wc -l <"$tmp/accepted")
for ((from = 1; from <= n; from += 500)); do
  sed -n "${from},$((from + 499))p" "$tmp/accepted" |
    awk '{printf "%s{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"eth_getTransactionReceipt\",\"params\":[\"%s\"]}", (NR > 1 ? "," : "["), NR, $1} END {print "]"}' |
    post | jq -r '.[] | .result.status // "missing"' >>"$tmp/receipts"
done
missing=$(grep -vc '^0x1$' "$tmp/receipts")
[ "$missing" -eq 0 ] && ok || bad "$missing accepted transactions have no successful receipt"
head=$(printf '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' | post | jq -r .result)
chain_tx_hashes "$head" >"$tmp/chain"
total=$(wc -l <"$tmp/chain")
uniq=$(sort -u "$tmp/chain" | wc -l)
[ "$total" -eq "$uniq" ] && ok || bad "$((total - uniq)) transactions are in the chain twice"
[ "$total" -eq "$accepted" ] && ok || bad "the chain holds $total transactions, $accepted were accepted"
[ "$accepted" -gt 100 ] && ok || bad "too few transactions for a soak: $accepted"
[ "$peak" -lt 1048576 ] && ok || bad "peak RSS $((peak / 1024)) MiB"
grep -q Sanitizer "$tmp/log" && bad "sanitizer report: $(grep -A10 Sanitizer "$tmp/log" | head -15)" || ok
echo "soak: ${seconds} s, 4 submitters and 2 queriers: $accepted transactions accepted and mined once each in $((head)) blocks, $queries query batches of 6, peak RSS $((peak / 1024)) MiB"
kill "$pid"; wait "$pid" 2>/dev/null; pid=
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
