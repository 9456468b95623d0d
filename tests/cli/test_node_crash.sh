#!/usr/bin/env bash
# Crash safety: the node under a steady load of transactions is killed with SIGKILL at random moments
# (blocks commit all the time, so some kills land inside a commit), then restarted with --verify-state.
# After each restart: it resumed at a block committed whole and the state root recomputed from every
# account and slot equals the head block's; every receipt a client saw before the kill is still there, in
# the same block; at the end no transaction is in the chain twice.
# Usage: test_node_crash.sh BRAID [KILLS]   (default 50)
set -u
braid=${1:?usage: $0 path/to/braid [kills]}
kills=${2:-50}
tmp=$(mktemp -d)
pid= load=
cleanup() { [ -n "$load" ] && kill "$load" 2>/dev/null; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
. "$(dirname "$0")/node_lib.sh"

url=
start() { # start ARGS...
  : >"$tmp/log"
  "$braid" node --dev --http.port 0 --datadir "$tmp/data" --verify-state "$@" >"$tmp/log" 2>&1 &
  pid=$!
  url=$(node_url "$tmp/log" "$pid")
}
post() { curl -s -m 10 -H 'content-type: application/json' --data-binary @- "$url"; }

accounts=(0x70997970c51812dc3a010c7d01b50e0d17dc79c8 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc
          0x90f79bf6eb2c4f870365e785982e1f101e93b906 0x15d34aaf54267db7d7c367839aaf71a00a2c6a65
          0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc 0x976ea74026e726554db657fa54763abd0c3a0aa9)
to=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
# One batch of 24 transfers signed by the node, 4 from each account (nonces come from the pool).
batch=$(for i in $(seq 0 23); do
  printf '{"jsonrpc":"2.0","id":%d,"method":"eth_sendTransaction","params":[{"from":"%s","to":"%s","value":"0x1"}]}\n' \
    "$i" "${accounts[$((i % 6))]}" "$to"
done | jq -s -c .)

receipts_of() { # FILE of hashes -> "hash blockHash" for those with a receipt ("hash missing" for the others)
  local from=1 n
  n=$(wc -l <"$1")
  while [ "$from" -le "$n" ]; do # batches of 500 (the node's limit is 1,000)
    sed -n "${from},$((from + 499))p" "$1" |
      awk '{printf "%s{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"eth_getTransactionReceipt\",\"params\":[\"%s\"]}", (NR > 1 ? "," : "["), NR, $1} END {print "]"}' |
      post | jq -r 'sort_by(.id)[] | "\(.result.transactionHash // "none") \(.result.blockHash // "missing")"'
    from=$((from + 500))
  done
}

load_loop() { # submits batches until killed; the hashes the node accepted go to sent.txt
  while :; do
    echo "$batch" | post | jq -r '.[]?.result // empty' 2>/dev/null >>"$tmp/sent.txt" || true
  done
}

: >"$tmp/sent.txt"
: >"$tmp/confirmed.txt" # hash blockHash
for round in $(seq 1 "$kills"); do
  if [ $((round % 2)) -eq 1 ]; then mode=(--block-time 0); else mode=(--block-time 50); fi
  if ! start "${mode[@]}"; then bad "round $round: the node did not start: $(tail -5 "$tmp/log")"; break; fi
  if [ "$round" -gt 1 ]; then
    grep -q "resumed the chain" "$tmp/log" && ok || bad "round $round: no resume line: $(head -3 "$tmp/log")"
    grep -q "state verified: .* the head block's (" "$tmp/log" && ok || bad "round $round: state check: $(head -4 "$tmp/log")"
    # every receipt seen before a kill: still there, in the same block
    if [ -s "$tmp/confirmed.txt" ]; then
      awk '{print $1}' "$tmp/confirmed.txt" >"$tmp/hashes.txt"
      got=$(receipts_of "$tmp/hashes.txt" | awk '{print $2}')
      want=$(awk '{print $2}' "$tmp/confirmed.txt")
      [ "$got" == "$want" ] && ok || bad "round $round: receipts seen before the kill changed or vanished: $(diff <(echo "$want") <(echo "$got") | head -5)"
    fi
  fi
  load_loop &
  load=$!
  sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
  # what a client sees now counts as confirmed; then the kill, at once
  tail -n 300 "$tmp/sent.txt" | sort -u | grep -v -F -f <(awk '{print $1}' "$tmp/confirmed.txt") >"$tmp/ask.txt" 2>/dev/null
  [ -s "$tmp/ask.txt" ] && receipts_of "$tmp/ask.txt" | grep -v missing >>"$tmp/confirmed.txt"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  kill "$load" 2>/dev/null
  wait "$load" 2>/dev/null
  pid= load=
  if grep -q "Sanitizer" "$tmp/log"; then bad "round $round: sanitizer report: $(grep -A10 Sanitizer "$tmp/log" | head -20)"; fi
done

# Finally: the whole chain, each transaction once, and every confirmed one in it.
start --block-time 0 || bad "final start: $(tail -3 "$tmp/log")"
head=$(curl -s -m 10 -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' "$url" | jq -r .result)
chain_tx_hashes "$head" >"$tmp/chain.txt"
total=$(wc -l <"$tmp/chain.txt")
uniq=$(sort -u "$tmp/chain.txt" | wc -l)
[ "$total" -eq "$uniq" ] && ok || bad "$((total - uniq)) transactions are in the chain twice"
missing=$(awk '{print $1}' "$tmp/confirmed.txt" | sort -u | comm -23 - <(sort -u "$tmp/chain.txt") | wc -l)
[ "$missing" -eq 0 ] && ok || bad "$missing confirmed transactions are not in the chain"
[ "$(wc -l <"$tmp/confirmed.txt")" -gt 100 ] && ok || bad "too few transactions confirmed for the test to mean much: $(wc -l <"$tmp/confirmed.txt")"
echo "crash: $kills kills, chain of $((head)) blocks holding $total transactions, $(wc -l <"$tmp/confirmed.txt") confirmed to a client before a kill"
kill "$pid"; wait "$pid" 2>/dev/null; pid=
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
