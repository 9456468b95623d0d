#!/usr/bin/env bash
# braid node end to end over curl: start-up, dev accounts, a transfer mined and read back, blocks, logs,
# snapshots, restart after SIGKILL at the last committed block, and bad options and requests.
# Usage: test_node_cli.sh BRAID
set -u
braid=${1:?usage: $0 path/to/braid}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "${KEEP:-}" ] && cp "$tmp/log" /tmp/node_test.log; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
. "$(dirname "$0")/node_lib.sh"
check() { # check DESCRIPTION GOT WANT
  if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}

url=
start() { # start ARGS...: starts the node on a free port, sets url
  "$braid" node --http.port 0 --datadir "$tmp/data" "$@" >"$tmp/log" 2>&1 &
  pid=$!
  url=$(node_url "$tmp/log" "$pid") || { bad "node did not start: $(cat "$tmp/log")"; return 1; }
}
sanitizer_clean() { # a sanitizer build writes its reports into the node's log
  if grep -q "Sanitizer" "$tmp/log"; then bad "sanitizer report: $(grep -A15 Sanitizer "$tmp/log" | head -30)"; else ok; fi
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; sanitizer_clean; }

rpc() { # rpc METHOD PARAMS-JSON -> the response
  curl -s -m 10 -H 'content-type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$url"
}
result() { rpc "$@" | jq -c -r '.result'; }

acc0=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
acc1=0x70997970c51812dc3a010c7d01b50e0d17dc79c8

start --dev --block-time 0 || exit 1
check "chain id" "$(result eth_chainId '[]')" 0x539
check "net_version" "$(result net_version '[]')" 1337
check "first dev account" "$(result eth_accounts '[]' | jq -r '.[0]')" $acc0
check "ten dev accounts" "$(result eth_accounts '[]' | jq length)" 10
check "dev balance" "$(result eth_getBalance "[\"$acc1\",\"latest\"]")" 0x21e19e0c9bab2400000
check "genesis is the head" "$(result eth_blockNumber '[]')" 0x0
grep -q "private key 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" "$tmp/log" && ok ||
  bad "the log does not print the first dev key"

# A transfer signed by the node (eth_sendTransaction), mined at once (automine).
h=$(result eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$acc1\",\"value\":\"0xde0b6b3a7640000\"}]")
[[ $h =~ ^0x[0-9a-f]{64}$ ]] && ok || bad "eth_sendTransaction: $h"
for _ in $(seq 1 50); do r=$(result eth_getTransactionReceipt "[\"$h\"]"); [ "$r" != null ] && break; sleep 0.1; done
check "receipt status" "$(jq -r .status <<<"$r")" 0x1
check "receipt gas" "$(jq -r .gasUsed <<<"$r")" 0x5208
check "receipt block" "$(jq -r .blockNumber <<<"$r")" 0x1
check "recipient balance" "$(result eth_getBalance "[\"$acc1\",\"latest\"]")" 0x21e27c1806e59a40000
check "balance at genesis" "$(result eth_getBalance "[\"$acc1\",\"0x0\"]")" 0x21e19e0c9bab2400000
check "nonce" "$(result eth_getTransactionCount "[\"$acc0\",\"latest\"]")" 0x1
b=$(result eth_getBlockByNumber '["latest",true]')
check "block has the transaction" "$(jq -r '.transactions[0].hash' <<<"$b")" "$h"
check "block parent is genesis" "$(jq -r .parentHash <<<"$b")" "$(result eth_getBlockByNumber '["0x0",false]' | jq -r .hash)"
check "tx by hash" "$(result eth_getTransactionByHash "[\"$h\"]" | jq -r .from)" $acc0

wait_receipt() { # HASH -> the receipt
  local r
  for _ in $(seq 1 100); do r=$(result eth_getTransactionReceipt "[\"$1\"]"); [ "$r" != null ] && break; sleep 0.1; done
  echo "$r"
}
# A contract whose code stores 1 at slot 0 and logs topic 0xff: deployed, called, traced, its logs found.
runtime=0x600160005560ff60006000a100
hd=$(result eth_sendTransaction "[{\"from\":\"$acc0\",\"data\":\"0x6c600160005560ff60006000a100600052600d6013f3\"}]")
c=$(wait_receipt "$hd" | jq -r .contractAddress)
[[ $c =~ ^0x[0-9a-f]{40}$ ]] && ok || bad "creation receipt: $c"
check "code" "$(result eth_getCode "[\"$c\",\"latest\"]")" $runtime
check "eth_call" "$(result eth_call "[{\"to\":\"$c\"},\"latest\"]")" 0x
est=$(result eth_estimateGas "[{\"from\":\"$acc0\",\"to\":\"$c\"}]")
[ $((est)) -ge 43000 ] && [ $((est)) -le 47000 ] && ok || bad "estimateGas $est (about 21000 + 22100 + 375*2 + 18)"
hc=$(result eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$c\"}]")
rc=$(wait_receipt "$hc")
check "call status" "$(jq -r .status <<<"$rc")" 0x1
check "call log topic" "$(jq -r '.logs[0].topics[0]' <<<"$rc")" 0x00000000000000000000000000000000000000000000000000000000000000ff
check "storage" "$(result eth_getStorageAt "[\"$c\",\"0x0\",\"latest\"]")" 0x0000000000000000000000000000000000000000000000000000000000000001
check "logs by address" "$(result eth_getLogs "[{\"fromBlock\":\"0x0\",\"address\":\"$c\"}]" | jq -r '.[0].transactionHash')" "$hc"
check "logs by topic" "$(result eth_getLogs "[{\"fromBlock\":\"0x0\",\"topics\":[\"0x00000000000000000000000000000000000000000000000000000000000000ff\"]}]" | jq length)" 1
check "no logs of another address" "$(result eth_getLogs "[{\"fromBlock\":\"0x0\",\"address\":\"$acc1\"}]" | jq length)" 0
tr=$(result debug_traceTransaction "[\"$hc\"]")
check "trace ops" "$(jq -r '[.structLogs[].op] | join(",")' <<<"$tr")" PUSH1,PUSH1,SSTORE,PUSH1,PUSH1,PUSH1,LOG1,STOP
check "trace SSTORE cost" "$(jq -r '.structLogs[2].gasCost' <<<"$tr")" 22100
check "trace storage" "$(jq -r '.structLogs[2].storage["0x0000000000000000000000000000000000000000000000000000000000000000"]' <<<"$tr")" 0x0000000000000000000000000000000000000000000000000000000000000001
check "trace gas" "$(jq -r '.gas' <<<"$tr")" "$(($(jq -r .gasUsed <<<"$rc")))"
h1=$(result eth_blockNumber '[]')
acc0_nonce=$(result eth_getTransactionCount "[\"$acc0\",\"latest\"]")

# Snapshot, another transfer, revert: the chain and the state go back.
snap=$(result evm_snapshot '[]')
h2=$(result eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$acc1\",\"value\":\"0x1\"}]")
h2n=$(printf '0x%x' $((h1 + 1)))
for _ in $(seq 1 50); do [ "$(result eth_blockNumber '[]')" == "$h2n" ] && break; sleep 0.1; done
check "next block" "$(result eth_blockNumber '[]')" "$h2n"
check "revert" "$(result evm_revert "[\"$snap\"]")" true
check "head after revert" "$(result eth_blockNumber '[]')" "$h1"
check "balance after revert" "$(result eth_getBalance "[\"$acc1\",\"latest\"]")" 0x21e27c1806e59a40000
check "reverted tx gone" "$(result eth_getTransactionReceipt "[\"$h2\"]")" null

# anvil_setBalance
rpc anvil_setBalance "[\"$acc1\",\"0x64\"]" >/dev/null
check "setBalance" "$(result eth_getBalance "[\"$acc1\",\"latest\"]")" 0x64

# Two transactions each affordable alone, not together: the block takes the first and drops the second.
acc9=0xa0ee7a142d267c1f36714e4a8f75612f20a79720
check "automine off" "$(result evm_setAutomine '[false]')" true
rpc anvil_setBalance "[\"$acc9\",\"0xde0b6b3a7640000\"]" >/dev/null
ta=$(result eth_sendTransaction "[{\"from\":\"$acc9\",\"to\":\"$acc1\",\"value\":\"0xc7d713b49da0000\",\"gas\":\"0x5208\"}]")
tb=$(result eth_sendTransaction "[{\"from\":\"$acc9\",\"to\":\"$acc1\",\"value\":\"0xc7d713b49da0000\",\"gas\":\"0x5208\"}]")
check "both pending" "$(result eth_getTransactionCount "[\"$acc9\",\"pending\"]")" 0x2
sleep 0.3
check "nothing mined without evm_mine" "$(result eth_getTransactionReceipt "[\"$ta\"]")" null
check "evm_mine" "$(result evm_mine '[]')" 0x0
check "first mined" "$(result eth_getTransactionReceipt "[\"$ta\"]" | jq -r .status)" 0x1
check "second dropped" "$(result eth_getTransactionByHash "[\"$tb\"]")" null
check "automine on" "$(result evm_setAutomine '[true]')" true

# eth_call with a state override: code that returns 42 at an address that has none.
check "call with override" "$(result eth_call "[{\"to\":\"$acc1\"},\"latest\",{\"$acc1\":{\"code\":\"0x602a60005260206000f3\"}}]")" \
  0x000000000000000000000000000000000000000000000000000000000000002a
check "override leaves the state alone" "$(result eth_getCode "[\"$acc1\",\"latest\"]")" 0x
# The pool's refusals carry geth's messages.
check "nonce too low" "$(rpc eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$acc1\",\"nonce\":\"0x0\",\"gas\":\"0x5208\"}]" | jq -r .error.message)" "nonce too low"
check "intrinsic gas too low" "$(rpc eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$acc1\",\"gas\":\"0x5000\"}]" | jq -r .error.message)" "intrinsic gas too low"
check "insufficient funds" "$(rpc eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$acc1\",\"gas\":\"0x5208\",\"value\":\"0xffffffffffffffffffffffffffffff\"}]" | jq -r .error.message)" "insufficient funds for gas * price + value"

# Bad requests get JSON-RPC errors.
check "unknown method" "$(rpc eth_nope '[]' | jq -r .error.code)" -32601
check "bad address" "$(rpc eth_getBalance '["0x12","latest"]' | jq -r .error.code)" -32602
check "bad raw tx" "$(rpc eth_sendRawTransaction '["0x1234"]' | jq -r .error.code)" -32000
check "malformed JSON" "$(curl -s -m 5 -d '{"jsonrpc":' "$url" | jq -r .error.code)" -32700

# SIGKILL, restart: the chain resumes at its last committed block with its receipts.
hk=$(result eth_blockNumber '[]')
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
sanitizer_clean
[ -n "${KEEP:-}" ] && cp "$tmp/log" /tmp/node_test_first.log
start --dev --block-time 0 --verify-state || exit 1
grep -q "resumed the chain" "$tmp/log" && ok || bad "restart does not say it resumed: $(head -3 "$tmp/log")"
grep -q "state verified" "$tmp/log" && ok || bad "restart did not verify the state: $(head -3 "$tmp/log")"
check "head after restart" "$(result eth_blockNumber '[]')" "$hk"
check "receipt after restart" "$(result eth_getTransactionReceipt "[\"$h\"]" | jq -r .status)" 0x1
h3=$(result eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$acc1\",\"value\":\"0x1\"}]")
check "mines after restart" "$(wait_receipt "$h3" | jq -r .blockNumber)" "$(printf '0x%x' $((hk + 1)))"
stop

# A public node: only eth, net and web3, and a small gas cap for calls.
start --dev --http.api eth,net,web3 --rpc.gascap 100000 || exit 1
check "eth served" "$(result eth_chainId '[]')" 0x539
check "evm left out" "$(rpc evm_mine '[]' | jq -r .error.code)" -32601
check "debug left out" "$(rpc debug_traceTransaction "[\"$h\"]" | jq -r .error.code)" -32601
check "anvil left out" "$(rpc anvil_setBalance "[\"$acc1\",\"0x1\"]" | jq -r .error.code)" -32601
check "endless loop stops at the gas cap" "$(rpc eth_call "[{\"to\":\"$acc1\"},\"latest\",{\"$acc1\":{\"code\":\"0x5b600056\"}}]" | jq -r .error.message)" "out of gas"
stop

# The time limit on calls: with 10^11 gas an endless loop would run for half a minute; --rpc.evmtimeout
# stops it. Each check also times the answer.
start --dev --rpc.gascap 100000000000 --rpc.evmtimeout 300ms --gas-limit 10000000000 || exit 1
timed() { # timed METHOD PARAMS: the error message, then the milliseconds the answer took
  local t0 r
  t0=$(date +%s%N)
  r=$(rpc "$1" "$2" | jq -r '.error.message // .result')
  echo "$r $((($(date +%s%N) - t0) / 1000000))"
}
within() { # within DESCRIPTION "MESSAGE MS" EXPECTED-MESSAGE: the message, and 250 <= MS < 3000
  local m=${2% *} ms=${2##* }
  check "$1" "$m" "$3"
  [ "$ms" -ge 250 ] && [ "$ms" -lt 3000 ] && ok || bad "$1 took $ms ms"
}
within "eth_call of an endless loop stops at --rpc.evmtimeout" \
  "$(timed eth_call "[{\"to\":\"$acc1\"},\"latest\",{\"$acc1\":{\"code\":\"0x5b600056\"}}]")" "execution aborted (timeout = 300ms)"
# no jump at all: calls itself twice per frame, a tree of calls its gas would let grow for hours
within "eth_call of an endless tree of calls stops at --rpc.evmtimeout" \
  "$(timed eth_call "[{\"to\":\"$acc1\"},\"latest\",{\"$acc1\":{\"code\":\"0x60006000600060006000305af15060006000600060006000305af15000\"}}]")" \
  "execution aborted (timeout = 300ms)"
check "a call within the limit" "$(result eth_call "[{\"to\":\"$acc1\"},\"latest\",{\"$acc1\":{\"code\":\"0x602a60005260206000f3\"}}]")" \
  0x000000000000000000000000000000000000000000000000000000000000002a
check "an estimate within the limit" "$(result eth_estimateGas "[{\"from\":\"$acc0\",\"to\":\"$acc1\"}]")" 0x5208
# A transaction that loops through 10^9 gas in its block (a few hundred ms), then traced: the struct
# logger's run is stopped.
hd=$(result eth_sendTransaction "[{\"from\":\"$acc0\",\"data\":\"0x635b6000566000526004601cf3\"}]")
looper=$(wait_receipt "$hd" | jq -r .contractAddress)
hl=$(result eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$looper\",\"gas\":\"0x3b9aca00\"}]")
check "the looping transaction runs out of gas in its block" "$(wait_receipt "$hl" | jq -r .status)" 0x0
# the head block now has the 10^10 gas limit that an estimate tries first
within "eth_estimateGas of an endless loop stops at --rpc.evmtimeout" \
  "$(timed eth_estimateGas "[{\"from\":\"$acc0\",\"to\":\"$acc1\"},\"latest\",{\"$acc1\":{\"code\":\"0x5b600056\"}}]")" \
  "execution aborted (timeout = 300ms)"
within "debug_traceTransaction stops at --rpc.evmtimeout" "$(timed debug_traceTransaction "[\"$hl\"]")" "execution timeout"
# A contract that calls itself with all its gas: with 10^10 gas the calls nest about 1,020 deep in a
# block, and the full 1,024 in an eth_call (10^11 gas) on an HTTP thread; both threads have the stack.
hd=$(result eth_sendTransaction "[{\"from\":\"$acc0\",\"data\":\"0x6d60006000600060006000305af100600052600e6012f3\"}]")
deep=$(wait_receipt "$hd" | jq -r .contractAddress)
check "the self-calling contract" "$(result eth_getCode "[\"$deep\",\"latest\"]")" 0x60006000600060006000305af100
hr=$(result eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$deep\",\"gas\":\"0x2540be000\"}]")
check "calls nested a thousand deep in a block" "$(wait_receipt "$hr" | jq -r .status)" 0x1
check "calls nested 1,024 deep in eth_call" "$(result eth_call "[{\"to\":\"$deep\",\"gas\":\"0x174876e800\"},\"latest\"]")" 0x
stop
"$braid" node --dev --http.port 0 --datadir "$tmp/data" --rpc.evmtimeout 5x >"$tmp/log" 2>&1
check "--rpc.evmtimeout 5x refused" "$? $(grep -c 'needs a duration' "$tmp/log")" "2 1"

# Configurable limits: a small body limit and log range.
start --dev --http.maxbody 2048 --rpc.logsrange 10 || exit 1
big=$(printf '"0x%04000d"' 0)
check "body over --http.maxbody" "$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[{\"data\":$big}]}" "$url")" 413
for _ in $(seq 1 11); do rpc evm_mine '[]' >/dev/null; done
check "log range over --rpc.logsrange" "$(rpc eth_getLogs '[{"fromBlock":"0x0","toBlock":"0xb"}]' | jq -r .error.message)" "block range greater than 10 max"
check "log range within --rpc.logsrange" "$(result eth_getLogs '[{"fromBlock":"0x2","toBlock":"0xb"}]' | jq -r type)" array
stop

# A per-client request rate: a burst past it is refused with 429 and -32005, and the budget comes back.
start --dev --http.rate 5 || exit 1
codes=$(for _ in $(seq 1 12); do rpc eth_chainId '[]' | jq -r '.error.code // "ok"'; done | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')
[[ $codes == *"-32005:"* && $codes == *"ok:"* ]] && ok || bad "rate limit: $codes"
sleep 1.2
check "budget back after a second" "$(result eth_chainId '[]')" 0x539
stop

# SIGINT and SIGTERM stop the node cleanly (exit status 0, "stopped at block N" logged), also when it was
# started in the background of a script, which would have it ignore SIGINT.
for sig in INT TERM; do
  start --dev || exit 1
  kill -s "$sig" "$pid"
  wait "$pid"
  check "SIG$sig: exit status and last line" "$? $(tail -1 "$tmp/log" | grep -o 'stopped at block [0-9]*' | cut -d' ' -f1-3)" \
    "0 stopped at block"
  pid=
done

# Bad options: exit status 2 and a message.
expect_fail() { # DESCRIPTION PATTERN ARGS...
  local what=$1 pattern=$2; shift 2
  local out rc
  out=$("$braid" node "$@" 2>&1); rc=$?
  if [ $rc -ne 0 ] && grep -qF -- "$pattern" <<<"$out"; then ok; else bad "$what: rc=$rc output: $out"; fi
}
expect_fail "unknown option" "unknown option" --bogus 1
expect_fail "bad port" "--http.port needs" --http.port 70000
expect_fail "no chain" "holds no chain" --datadir "$tmp/empty" --http.port 0
expect_fail "dev and genesis" "exclude each other" --dev --genesis x.json
expect_fail "unknown namespace" "unknown namespace 'admin'" --dev --http.api eth,admin
echo '{"config":{"chainId":5},"alloc":{},"gasLimit":"0x1c9c380","difficulty":"0x0"}' >"$tmp/g.json"
expect_fail "genesis mismatch" "does not match" --datadir "$tmp/data" --genesis "$tmp/g.json" --http.port 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
