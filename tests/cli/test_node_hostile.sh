#!/usr/bin/env bash
# braid node under hostile input: malformed JSON-RPC, wrong parameter types and counts, bad hex, bodies and
# batches over the limits, bad raw transactions, endless EVM code, huge log ranges, stalled connections.
# Every case must get a proper JSON-RPC error (geth's code, and geth's message where it has one), never a
# crash, a hang or a silent drop: after each one the node must still answer eth_chainId, and at the end its
# log must hold no sanitizer report.
# Usage: test_node_hostile.sh BRAID
# The raw transactions are signed at test time with the npm package ethers, found through ETHERS_FROM (a
# folder with a package.json whose node_modules holds ethers), else tests/clients (npm ci there first);
# without node and ethers those cases are skipped, and said so.
set -u
shopt -s extglob
braid=${1:?usage: $0 path/to/braid}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pid=
slow=()
cleanup() {
  for p in "${slow[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  [ -n "${KEEP:-}" ] && cp "$tmp/log" /tmp/node_hostile.log
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
. "$(dirname "$0")/node_lib.sh"

"$braid" node --dev --block-time 0 --http.port 0 --datadir "$tmp/data" >"$tmp/log" 2>&1 &
pid=$!
url=$(node_url "$tmp/log" "$pid") || { echo "FAIL node did not start: $(cat "$tmp/log")"; exit 1; }
port=${url##*:}

post() { curl -s -m "${TIMEOUT:-10}" -H 'content-type: application/json' --data-binary "$1" "$url"; } # BODY
post_file() { curl -s -m "${TIMEOUT:-10}" -H 'content-type: application/json' --data-binary @"$1" "$url"; }
req() { printf '{"jsonrpc":"2.0","id":1,"method":"%s","params":%s}' "$1" "$2"; } # METHOD PARAMS -> body
timed() { # COMMAND ARGS...: its output in r, the milliseconds it took in ms
  local t0
  t0=$(date +%s%N)
  r=$("$@")
  ms=$((($(date +%s%N) - t0) / 1000000))
}

# The node still answers, promptly: appended to every case's verdict.
alive() {
  local r
  r=$(curl -s -m 5 -H 'content-type: application/json' --data-binary "$(req eth_chainId '[]')" "$url" | jq -r .result 2>/dev/null)
  if [ "$r" == 0x539 ]; then return 0; fi
  if kill -0 "$pid" 2>/dev/null; then echo "the node no longer answers eth_chainId (got '$r')"; else
    echo "the node died: $(tail -20 "$tmp/log")"; fi
  return 1
}
# verdict DESCRIPTION RESPONSE CODE [MESSAGE-PATTERN]: RESPONSE is one JSON-RPC error with that code and a
# message matching the glob; then the node must still be alive. One check.
verdict() {
  local what=$1 resp=$2 code=$3 msg=${4-} got_code got_msg dead
  got_code=$(jq -r '.error.code' <<<"$resp" 2>/dev/null)
  got_msg=$(jq -r '.error.message' <<<"$resp" 2>/dev/null)
  # shellcheck disable=SC2053 # the wanted message is a glob
  if [ "$got_code" != "$code" ]; then bad "$what: code '$got_code', want $code; response: ${resp:0:300}"
  elif [ -n "$msg" ] && [[ $got_msg != $msg ]]; then bad "$what: message '$got_msg', want '$msg'"
  elif ! dead=$(alive); then bad "$what: $dead"
  else ok; fi
}
# expect DESCRIPTION METHOD PARAMS CODE [MESSAGE-PATTERN]
expect() { verdict "$1" "$(post "$(req "$2" "$3")")" "${@:4}"; }
# expect_body DESCRIPTION BODY CODE [MESSAGE-PATTERN]
expect_body() { verdict "$1" "$(post "$2")" "${@:3}"; }
# expect_result DESCRIPTION METHOD PARAMS WANT: a result (jq -c), then alive
expect_result() {
  local got dead
  got=$(post "$(req "$2" "$3")" | jq -c .result 2>/dev/null)
  if [ "$got" != "$4" ]; then bad "$1: result '$got', want '$4'"
  elif ! dead=$(alive); then bad "$1: $dead"
  else ok; fi
}

acc0=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
acc1=0x70997970c51812dc3a010c7d01b50e0d17dc79c8
zero32=0x0000000000000000000000000000000000000000000000000000000000000001
alive >/dev/null || { echo "FAIL the node does not answer eth_chainId"; exit 1; }

# ---- malformed JSON and malformed requests ----
expect_body "truncated JSON" '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","par' -32700 "parse error"
expect_body "empty body" '' -32700
head -c 4096 /dev/urandom >"$tmp/garbage"
verdict "binary garbage" "$(post_file "$tmp/garbage")" -32700
printf '{"jsonrpc":"2.0","id":1,"method":"eth_chain\xff\xfeId","params":[]}' >"$tmp/utf8"
verdict "invalid UTF-8" "$(post_file "$tmp/utf8")" -32700
printf '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}\0trailing' >"$tmp/nul"
verdict "a NUL byte and trailing junk" "$(post_file "$tmp/nul")" -32700
expect_body "two JSON values" "$(req eth_chainId '[]')$(req eth_chainId '[]')" -32700
expect_body "huge number as id" '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"eth_chainId","params":[]}' -32700
expect_body "huge exponent" '{"jsonrpc":"2.0","id":1e999999,"method":"eth_chainId","params":[]}' -32700
expect_body "huge number as a parameter" "$(req eth_getBalance "[\"$acc1\",1234567890123456789012345678901234567890]")" -32700
expect_body "wrong jsonrpc version" '{"jsonrpc":"1.0","id":1,"method":"eth_chainId","params":[]}' -32600 "invalid request"
expect_body "jsonrpc version a number" '{"jsonrpc":2.0,"id":1,"method":"eth_chainId","params":[]}' -32600
expect_body "no jsonrpc member" '{"id":1,"method":"eth_chainId","params":[]}' -32600
expect_body "wrong version, no id: answered, not dropped" '{"jsonrpc":"1.0","method":"eth_chainId"}' -32600 "invalid request"
expect_body "missing method" '{"jsonrpc":"2.0","id":1,"params":[]}' -32600 "invalid request"
expect_body "missing method, no id" '{"jsonrpc":"2.0","params":[]}' -32600
expect_body "method a number" '{"jsonrpc":"2.0","id":1,"method":5,"params":[]}' -32600
expect_body "method an array" '{"jsonrpc":"2.0","id":1,"method":["eth_chainId"],"params":[]}' -32600
expect_body "id an object" '{"jsonrpc":"2.0","id":{},"method":"eth_chainId","params":[]}' -32600
expect_body "params a string" '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":"x"}' -32600
expect_body "params a number" '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":5}' -32600
expect_body "body a number" '5' -32600
expect_body "body null" 'null' -32600
expect "unknown method" eth_nope '[]' -32601 "the method eth_nope does not exist/is not available"
expect "unknown namespace" foo_bar '[]' -32601
long=$(printf 'x%.0s' $(seq 5000))
expect "unknown method with a 5000-byte name" "$long" '[]' -32601
expect "params an object to a positional method" eth_getBalance '{"a":1}' -32602 "non-array args"
# a batch of hostile members: each answered in place
b=$(post "[5,{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_nope\"},$(req eth_chainId '[]'),{\"jsonrpc\":\"1.0\"}]")
got=$(jq -c '[.[] | .error.code // .result]' <<<"$b" 2>/dev/null)
[ "$got" == '[-32600,-32601,"0x539",-32600]' ] && ok || bad "batch of bad members: $got"

# ---- wrong parameter types and counts ----
expect "getBalance: no params" eth_getBalance '[]' -32602 "missing value for required argument 0"
expect "getBalance: too many" eth_getBalance "[\"$acc1\",\"latest\",1]" -32602 "too many arguments, want at most 2"
expect "getBalance: address a number" eth_getBalance '[5,"latest"]' -32602 "invalid argument 0: *"
expect "getBalance: address null" eth_getBalance '[null,"latest"]' -32602
expect "getBalance: block a number" eth_getBalance "[\"$acc1\",1]" -32602 "invalid argument 1: *"
expect "getBalance: block tag bogus" eth_getBalance "[\"$acc1\",\"bogus\"]" -32602
expect "getBalance: unknown block hash" eth_getBalance "[\"$acc1\",{\"blockHash\":\"$zero32\"}]" -32000 "header not found"
expect "call: no params" eth_call '[]' -32602 "missing value for required argument 0"
expect "call: a string for the call" eth_call '["x","latest"]' -32602 "invalid argument 0: *"
expect "call: to a number" eth_call '[{"to":5},"latest"]' -32602 "invalid argument 0: *"
expect "call: gas not hex" eth_call "[{\"to\":\"$acc1\",\"gas\":\"0xzz\"},\"latest\"]" -32602 "invalid argument 0: *"
expect "sendTransaction: data and input differ" eth_sendTransaction "[{\"from\":\"$acc0\",\"to\":\"$acc1\",\"data\":\"0x01\",\"input\":\"0x02\"}]" -32000 \
  'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data'
expect "sendTransaction: from of 21 bytes" eth_sendTransaction "[{\"from\":\"${acc1}00\",\"to\":\"$acc1\"}]" -32602 "invalid argument 0: *"
expect "sendTransaction: from an unknown account" eth_sendTransaction "[{\"from\":\"0x${zero32:26}\",\"to\":\"$acc1\"}]" -32000 "unknown account"
expect "call: overrides not an object" eth_call "[{\"to\":\"$acc1\"},\"latest\",5]" -32602 "invalid argument 2: *"
expect "getLogs: no params" eth_getLogs '[]' -32602 "missing value for required argument 0"
expect "getLogs: filter a string" eth_getLogs '["x"]' -32602 "invalid argument 0: *"
expect "getLogs: topics a string" eth_getLogs '[{"topics":"x"}]' -32602 "invalid argument 0: *"
expect "getLogs: topic of 31 bytes" eth_getLogs "[{\"topics\":[\"0x${zero32:4}\"]}]" -32602 "invalid argument 0: *"
expect "getLogs: bad address" eth_getLogs '[{"address":"0x12"}]' -32602 "invalid argument 0: *"
expect "getLogs: from after to" eth_getLogs '[{"fromBlock":"0x5","toBlock":"0x1"}]' -32602 "invalid block range params"
expect "getBlockByNumber: missing full flag" eth_getBlockByNumber '["0x0"]' -32602 "missing value for required argument 1"
expect "getBlockByNumber: flag a string" eth_getBlockByNumber '["0x0","yes"]' -32602 "invalid argument 1: *"
expect "getBlockByNumber: number a bool" eth_getBlockByNumber '[true,false]' -32602 "invalid argument 0: *"
expect_result "getBlockByNumber: a block far ahead" eth_getBlockByNumber '["0x7fffffffffffffff",false]' null
expect "sendRawTransaction: no params" eth_sendRawTransaction '[]' -32602 "missing value for required argument 0"
expect "sendRawTransaction: a number" eth_sendRawTransaction '[5]' -32602 "invalid argument 0: *"
expect "sendRawTransaction: two" eth_sendRawTransaction '["0x00","0x00"]' -32602 "too many arguments, want at most 1"
expect "feeHistory: no params" eth_feeHistory '[]' -32602 "missing value for required argument 0"
expect "feeHistory: percentile over 100" eth_feeHistory '["0x5","latest",[150]]' -32602 "invalid reward percentile: *"
expect "feeHistory: percentiles not ascending" eth_feeHistory '["0x5","latest",[60,50]]' -32602 "invalid reward percentile: *"
expect "feeHistory: percentiles a string" eth_feeHistory '["0x5","latest","x"]' -32602 "invalid argument 2: *"
expect "feeHistory: block count a bool" eth_feeHistory '[true,"latest",[]]' -32602 "invalid argument 0: *"
fh=$(TIMEOUT=5 post "$(req eth_feeHistory '["0xffffffffffffffff","latest",[10,90]]')")
[ "$(jq -r .result.oldestBlock <<<"$fh")" == 0x0 ] && alive >/dev/null && ok || bad "feeHistory of 2^64-1 blocks: $fh"
expect "getTransactionReceipt: no params" eth_getTransactionReceipt '[]' -32602 "missing value for required argument 0"
expect "getTransactionReceipt: a number" eth_getTransactionReceipt '[1]' -32602 "invalid argument 0: *"
expect "getTransactionReceipt: short hash" eth_getTransactionReceipt '["0x01"]' -32602 "invalid argument 0: hex string has length 2, want 64 for common.Hash"
expect_result "getTransactionReceipt: unknown hash" eth_getTransactionReceipt "[\"$zero32\"]" null
expect "traceTransaction: unknown hash" debug_traceTransaction "[\"$zero32\"]" -32000 "transaction*not found"
expect "traceTransaction: short hash" debug_traceTransaction '["0x01"]' -32602 "invalid argument 0: *"
expect "traceTransaction: an object" debug_traceTransaction '[{"hash":1}]' -32602 "invalid argument 0: *"
expect "traceTransaction: config a string" debug_traceTransaction "[\"$zero32\",\"x\"]" -32602 "invalid argument 1: *"
expect "evm_revert: no params" evm_revert '[]' -32602 "missing value for required argument 0"
expect "evm_revert: garbage id" evm_revert '["garbage"]' -32602 "invalid argument 0: *"
expect "evm_revert: id over 64 bits" evm_revert '["0x10000000000000000"]' -32602 "invalid argument 0: *"
expect_result "evm_revert: unknown id" evm_revert '["0x99"]' false
expect "getFilterChanges: unknown id" eth_getFilterChanges '["0x1234"]' -32000 "filter not found"
expect "getFilterChanges: garbage id" eth_getFilterChanges '["zz"]' -32602 "invalid argument 0: *"
expect "getFilterChanges: id a number" eth_getFilterChanges '[5]' -32602 "invalid argument 0: *"
expect "getFilterChanges: no id" eth_getFilterChanges '[]' -32602 "missing value for required argument 0"
expect "getFilterLogs: unknown id" eth_getFilterLogs '["0xffffffffffffffff"]' -32000 "filter not found"
expect_result "uninstallFilter: unknown id" eth_uninstallFilter '["0x1234"]' false

# ---- invalid hex ----
expect "address of odd length" eth_getBalance "[\"${acc1:0:41}\",\"latest\"]" -32602 "invalid argument 0: *odd length*"
expect "address without 0x" eth_getBalance "[\"${acc1:2}\",\"latest\"]" -32602 "invalid argument 0: *without 0x prefix*"
expect "address with a non-hex digit" eth_getBalance "[\"${acc1:0:41}z\",\"latest\"]" -32602 "invalid argument 0: *invalid hex string*"
expect "address of 19 bytes" eth_getBalance "[\"${acc1:0:40}\",\"latest\"]" -32602 "invalid argument 0: hex string has length 38, want 40 for common.Address"
expect "address of 21 bytes" eth_getBalance "[\"${acc1}00\",\"latest\"]" -32602 "invalid argument 0: hex string has length 42, want 40 for common.Address"
expect "hash of 31 bytes" eth_getTransactionByHash "[\"${zero32:0:64}\"]" -32602 "invalid argument 0: hex string has length 62, want 64 for common.Hash"
expect "hash of 33 bytes" eth_getBlockByHash "[\"${zero32}00\",false]" -32602 "invalid argument 0: hex string has length 66, want 64 for common.Hash"
expect "hash with a non-hex digit" eth_getTransactionByHash "[\"${zero32:0:65}g\"]" -32602 "invalid argument 0: *"
expect "block number without 0x" eth_getBalance "[\"$acc1\",\"10\"]" -32602 "invalid argument 1: hex string without 0x prefix"
expect "block number 0x" eth_getBalance "[\"$acc1\",\"0x\"]" -32602 "invalid argument 1: *"
expect "block number with leading zeros" eth_getBalance "[\"$acc1\",\"0x01\"]" -32602 "invalid argument 1: hex number with leading zero digits"
expect "block number non-hex" eth_getBalance "[\"$acc1\",\"0x1g\"]" -32602 "invalid argument 1: *"
expect "block number over 64 bits" eth_getBlockByNumber '["0x10000000000000000",false]' -32602 "invalid argument 0: hex number > 64 bits"
expect "block number over int64" eth_getBlockByNumber '["0xffffffffffffffff",false]' -32602 "invalid argument 0: *"
expect "call value over 256 bits" eth_call "[{\"to\":\"$acc1\",\"value\":\"0x1$(printf '0%.0s' $(seq 64))\"},\"latest\"]" -32602 "invalid argument 0: *"
expect "call gas over 64 bits" eth_call "[{\"to\":\"$acc1\",\"gas\":\"0x10000000000000000\"},\"latest\"]" -32602 "invalid argument 0: *"
expect "call data of odd length" eth_call "[{\"to\":\"$acc1\",\"data\":\"0x123\"},\"latest\"]" -32602 "invalid argument 0: *"
expect "storage slot over 256 bits" eth_getStorageAt "[\"$acc1\",\"0x1$(printf '0%.0s' $(seq 64))\",\"latest\"]" -32602
expect "raw tx of odd length" eth_sendRawTransaction '["0x123"]' -32602 "invalid argument 0: *odd length*"
expect "raw tx without 0x" eth_sendRawTransaction '["1234"]' -32602 "invalid argument 0: *without 0x prefix*"
expect "raw tx non-hex" eth_sendRawTransaction '["0xzz"]' -32602 "invalid argument 0: *"

# ---- limits: body, batch, nesting ----
head -c $((5 * 1024 * 1024 + 1000)) /dev/zero | tr '\0' ' ' >"$tmp/huge"
code=$(curl -s -m 30 -o "$tmp/huge.out" -w '%{http_code}' -H 'content-type: application/json' --data-binary @"$tmp/huge" "$url")
if [ "$code" == 413 ] || [ "$(jq -r .error.code <"$tmp/huge.out" 2>/dev/null)" == -32600 ]; then
  if dead=$(alive); then ok; else bad "body over 5 MiB: $dead"; fi
else bad "body over 5 MiB: HTTP $code, $(head -c 300 "$tmp/huge.out")"; fi
batch() { # N -> a batch of N eth_chainId requests
  local i s='['
  for ((i = 0; i < $1; i++)); do s+="{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"eth_chainId\"},"; done
  echo "${s%,}]"
}
batch 1001 >"$tmp/b1001"
verdict "batch of 1001" "$(post_file "$tmp/b1001")" -32600 "batch too large*"
batch 1000 >"$tmp/b1000"
check_len=$(post_file "$tmp/b1000" | jq length 2>/dev/null)
[ "$check_len" == 1000 ] && ok || bad "batch of 1000: $check_len answers"
expect_body "empty batch" '[]' -32600
expect_body "empty batch with spaces" ' [ ] ' -32600
printf '%*s' 100000 '' | tr ' ' '[' >"$tmp/deep"
printf '%*s' 100000 '' | tr ' ' ']' >>"$tmp/deep"
verdict "100,000 nested arrays" "$(post_file "$tmp/deep")" -32700
{ printf '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":['; printf '%*s' 100000 '' | sed 's/ /{"a":/g'
  printf '1'; printf '%*s' 100000 '' | tr ' ' '}'; printf ']}'; } >"$tmp/deep2"
verdict "100,000 nested objects in params" "$(post_file "$tmp/deep2")" -32700
printf '%*s' 100000 '' | tr ' ' '[' >"$tmp/deep3" # never closed
verdict "100,000 unclosed arrays" "$(post_file "$tmp/deep3")" -32700

# ---- raw transactions ----
ethers_from=
for d in "${ETHERS_FROM:-}" "$here/../clients"; do
  [ -n "$d" ] && [ -f "$d/package.json" ] && [ -d "$d/node_modules/ethers" ] && { ethers_from=$(cd "$d" && pwd); break; }
done
cat >"$tmp/sign.cjs" <<'EOF'
// sign.cjs PACKAGE_JSON TXS_JSON: each transaction signed, one hex a line. A transaction's "key" (default the
// first dev key) signs it; "data" as a number is that many zero bytes; "highS" swaps s for n - s afterwards.
const { createRequire } = require('module');
const { Wallet, Transaction } = createRequire(process.argv[2])('ethers');
const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
for (const t of JSON.parse(process.argv[3])) {
  const w = new Wallet(t.key || '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
  const highS = t.highS;
  delete t.key; delete t.highS;
  if (typeof t.data === 'number') t.data = '0x' + '00'.repeat(t.data);
  const fees = t.type === 0 ? {} : { type: 2, maxFeePerGas: 100e9, maxPriorityFeePerGas: 1e9 };
  const tx = Transaction.from({ chainId: 1337, ...fees, gasLimit: 21000,
    to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', value: 0, nonce: 0, ...t });
  const sig = w.signingKey.sign(tx.unsignedHash);
  tx.signature = sig;
  let hex = tx.serialized;
  if (highS) hex = hex.slice(0, -64) + (n - BigInt(sig.s)).toString(16).padStart(64, '0');
  console.log(hex);
}
EOF
if [ -z "$ethers_from" ] || ! command -v node >/dev/null; then
  bad "the raw transaction cases need node and ethers: run npm ci in tests/clients (or set ETHERS_FROM)"
else
  specs='[{"nonce":0},
    {"nonce":1,"chainId":1},
    {"nonce":1,"highS":true},
    {"nonce":1,"type":0,"gasPrice":100000000000,"chainId":0},
    {"nonce":1,"key":"0x0000000000000000000000000000000000000000000000000000000000000007","value":"0xffff"},
    {"nonce":1,"gasLimit":30000001},
    {"nonce":1,"gasLimit":10000000,"data":140000},
    {"nonce":1,"gasLimit":20000},
    {"nonce":5},
    {"nonce":5,"maxFeePerGas":105000000000,"maxPriorityFeePerGas":1000000000},
    {"nonce":1,"maxFeePerGas":1,"maxPriorityFeePerGas":1}]'
  mapfile -t tx < <(node "$tmp/sign.cjs" "$ethers_from/package.json" "$specs")
  if [ "${#tx[@]}" -ne 11 ]; then bad "could not sign the test transactions (${#tx[@]} of 11)"; else
    rawtx() { req eth_sendRawTransaction "[\"$1\"]"; }
    expect_raw() { verdict "$1" "$(post "$(rawtx "$2")")" "${@:3}"; } # DESCRIPTION HEX CODE [MESSAGE]
    v=${tx[0]} n=${#v}
    ffs=$(printf 'f%.0s' $(seq 64))
    expect_raw "garbage RLP" 0x1234 -32000 "rlp: *"
    expect_raw "empty RLP list" 0xc0 -32000 "rlp: *"
    expect_raw "empty input" 0x -32000
    expect_raw "truncated" "${v:0:$((n - 20))}" -32000 "rlp: *"
    expect_raw "only the type byte" 0x02 -32000 "rlp: *"
    expect_raw "trailing bytes" "${v}00" -32000 "rlp: *"
    expect_raw "r out of range" "${v:0:$((n - 130))}$ffs${v:$((n - 66))}" -32000 "invalid sender*"
    expect_raw "s out of range" "${v:0:$((n - 64))}$ffs" -32000 "invalid sender*"
    expect_raw "high s (malleable)" "${tx[2]}" -32000 "invalid sender*"
    # flipping bits of r and s: either an invalid signature or another sender, who has no funds
    flip() { tr 0-9a-f 1-9a-f0 <<<"$1"; }
    flipped=${v:0:$((n - 98))}$(flip "${v:$((n - 98)):32}")a0$(flip "${v:$((n - 64)):32}")${v:$((n - 32))}
    verdict "r and s bits flipped" "$(post "$(rawtx "$flipped")")" -32000 "@(invalid sender*|insufficient funds for gas \* price + value)"
    h0=$(post "$(rawtx "$v")" | jq -r .result)
    [[ $h0 =~ ^0x[0-9a-f]{64}$ ]] && ok || bad "a valid raw transaction: $h0"
    for _ in $(seq 1 50); do r=$(post "$(req eth_getTransactionReceipt "[\"$h0\"]")" | jq -c .result); [ "$r" != null ] && break; sleep 0.1; done
    [ "$(jq -r .status <<<"$r")" == 0x1 ] && ok || bad "the valid raw transaction is not mined: $r"
    expect_raw "the same again: nonce too low" "$v" -32000 "nonce too low"
    expect_raw "wrong chain id" "${tx[1]}" -32000 "invalid chain id"
    expect_raw "not replay-protected" "${tx[3]}" -32000 "only replay-protected (EIP-155) transactions allowed over RPC"
    expect_raw "insufficient funds" "${tx[4]}" -32000 "insufficient funds for gas \* price + value"
    expect_raw "gas above the block gas limit" "${tx[5]}" -32000 "exceeds block gas limit"
    echo "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\"${tx[6]}\"]}" >"$tmp/big_tx"
    verdict "calldata over 128 KiB" "$(post_file "$tmp/big_tx")" -32000 "oversized data"
    expect_raw "intrinsic gas too low" "${tx[7]}" -32000 "intrinsic gas too low"
    expect_raw "fee cap below the base fee" "${tx[10]}" -32000 "max fee per gas less than block base fee"
    hg=$(post "$(rawtx "${tx[8]}")" | jq -r .result)
    [[ $hg =~ ^0x[0-9a-f]{64}$ ]] && ok || bad "a nonce gap is not queued: $hg"
    sleep 0.3
    gap_state="$(post "$(req eth_getTransactionReceipt "[\"$hg\"]")" | jq -c .result) $(post "$(req eth_getTransactionCount "[\"$acc0\",\"latest\"]")" | jq -r .result)"
    [ "$gap_state" == "null 0x1" ] && ok || bad "the nonce gap transaction was mined: receipt, nonce = $gap_state"
    expect_raw "replacement with a 5% bump" "${tx[9]}" -32000 "replacement transaction underpriced"
    expect_raw "the queued one again" "${tx[8]}" -32000 "already known"
  fi
fi

# ---- endless code, huge ranges ----
loop="{\"$acc1\":{\"code\":\"0x5b600056\"}}"
timed post "$(req eth_call "[{\"to\":\"$acc1\"},\"latest\",$loop]")"
verdict "eth_call of an endless loop" "$r" -32000 "out of gas"
[ $ms -lt 5000 ] && ok || bad "eth_call of an endless loop took $ms ms"
timed post "$(req eth_call "[{\"to\":\"$acc1\",\"gas\":\"0xffffffffffffffff\"},\"latest\",$loop]")"
verdict "eth_call of an endless loop with all the gas asked" "$r" -32000 "out of gas"
[ $ms -lt 5000 ] && ok || bad "eth_call of an endless loop with gas 2^64-1 took $ms ms"
timed post "$(req eth_estimateGas "[{\"from\":\"$acc0\",\"to\":\"$acc1\"},\"latest\",$loop]")"
verdict "eth_estimateGas of an endless loop" "$r" -32000 "gas required exceeds allowance*"
[ $ms -lt 10000 ] && ok || bad "eth_estimateGas of an endless loop took $ms ms"
# a contract that calls itself with all its gas, again and again: 1024 frames deep, then out of gas
timed post "$(req eth_call "[{\"to\":\"$acc1\"},\"latest\",{\"$acc1\":{\"code\":\"0x5b60006000600060006000305af150600056\"}}]")"
verdict "eth_call recursing 1024 deep, endlessly" "$r" -32000 "out of gas"
[ $ms -lt 5000 ] && ok || bad "eth_call recursing endlessly took $ms ms"
# 100 endless loops in one batch: each its own error, all within the time limit
jq -nc --arg a "$acc1" '[range(100) | {jsonrpc: "2.0", id: ., method: "eth_call",
  params: [{to: $a}, "latest", {($a): {code: "0x5b600056"}}]}]' >"$tmp/loops"
r=$(TIMEOUT=30 post_file "$tmp/loops" | jq -c '[.[].error.message] | unique' 2>/dev/null)
[ "$r" == '["out of gas"]' ] && alive >/dev/null && ok || bad "a batch of 100 endless loops: $r"
# state overrides of 3,000 accounts with 10 slots each (4 MiB)
jq -nc --arg a "$acc1" '{jsonrpc: "2.0", id: 1, method: "eth_call", params: [{to: $a}, "latest",
  ([range(3000) | {key: ("0x" + ("0" * 36) + (. + 4096 | tostring)), value: {balance: "0x1",
    state: ([range(10) | {key: ("0x" + ("0" * 63) + tostring), value: ("0x" + ("0" * 63) + "1")}] | from_entries)}}]
   | from_entries)]}' >"$tmp/overrides"
r=$(TIMEOUT=20 post_file "$tmp/overrides")
[ "$(jq -r .result <<<"$r" 2>/dev/null)" == 0x ] && alive >/dev/null && ok || bad "3,000 overridden accounts: ${r:0:300}"
# a log filter of 20,000 addresses and 4 x 10,000 topics (3.7 MiB): refused or answered, promptly
jq -nc '{jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: [{fromBlock: "0x0",
  address: [range(20000) | "0x" + ("0" * 35) + (. + 10000 | tostring)],
  topics: [range(4) | [range(10000) | "0x" + ("0" * 59) + (. + 10000 | tostring)]]}]}' >"$tmp/bigfilter"
TIMEOUT=20 timed post_file "$tmp/bigfilter"
{ [ "$(jq -c .result <<<"$r")" == '[]' ] || [ "$(jq -r .error.code <<<"$r")" == -32602 ]; } && alive >/dev/null && ok ||
  bad "a filter of 20,000 addresses and 40,000 topics: ${r:0:300}"
[ $ms -lt 5000 ] && ok || bad "a filter of 20,000 addresses and 40,000 topics took $ms ms"
# the whole 48-bit block range: clamped to the head (and a range over 100,000 blocks is refused)
timed post "$(req eth_getLogs '[{"fromBlock":"0x0","toBlock":"0xffffffffffff"}]')"
{ [ "$(jq -c .result <<<"$r")" == '[]' ] || [ "$(jq -r .error.code <<<"$r")" == -32000 ]; } && alive >/dev/null && ok ||
  bad "eth_getLogs over 0..0xffffffffffff: $r"
[ $ms -lt 3000 ] && ok || bad "eth_getLogs over 0..0xffffffffffff took $ms ms"
r=$(post "$(req eth_getLogs '[{"fromBlock":"0xffffffffffff","toBlock":"0xffffffffffff"}]')")
{ [ "$(jq -c .result <<<"$r")" == '[]' ] || [ "$(jq -r .error.message <<<"$r")" == "invalid block range params" ]; } &&
  alive >/dev/null && ok || bad "eth_getLogs from far ahead: $r"
fid=$(post "$(req eth_newFilter '[{"fromBlock":"0x0","toBlock":"0xffffffffffff"}]')" | jq -r .result)
expect_result "a filter over 0..0xffffffffffff" eth_getFilterLogs "[\"$fid\"]" '[]'

# ---- slow clients: 50 connections that stall half-way through a request ----
for i in $(seq 1 50); do
  if [ $((i % 2)) -eq 0 ]; then part=$'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"jsonrpc":"2.0",'
  else part=$'POST / HTTP/1.1\r\nHost: x\r\nContent-Le'; fi # mid-headers
  (exec 3<>/dev/tcp/127.0.0.1/"$port" && printf '%s' "$part" >&3 && exec sleep 60) 2>/dev/null &
  slow+=($!)
done
sleep 0.5
t0=$(date +%s%N)
if dead=$(alive); then ok; else bad "with 50 stalled connections: $dead"; fi
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -lt 1000 ] && ok || bad "with 50 stalled connections, eth_chainId took $ms ms"
r=$(post "$(req eth_getBalance "[\"$acc1\",\"latest\"]")" | jq -r .result)
[[ $r =~ ^0x[0-9a-f]+$ ]] && ok || bad "with 50 stalled connections, eth_getBalance: $r"
for p in "${slow[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
slow=()
if dead=$(alive); then ok; else bad "after the stalled connections closed: $dead"; fi
# a client that sends the whole body but closes before reading the answer
(exec 3<>/dev/tcp/127.0.0.1/"$port" && b=$(req eth_chainId '[]') &&
  printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "${#b}" "$b" >&3) 2>/dev/null
if dead=$(alive); then ok; else bad "after a client that left without its answer: $dead"; fi

kill "$pid"; wait "$pid" 2>/dev/null; pid=
if grep -q "Sanitizer" "$tmp/log"; then bad "sanitizer report: $(grep -A15 Sanitizer "$tmp/log" | head -30)"; else ok; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
