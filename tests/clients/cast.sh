#!/usr/bin/env bash
# Foundry's cast against a JSON-RPC node: reads, a value transfer, an ERC-20 deployed and called, a
# revert, logs and storage, each step a named assertion. Uses dev accounts 8 and 9 only (ethers takes
# 0-3, viem 4-7). cast comes from the npm package pinned in package.json (npm ci first, or run.sh).
#
#   tests/clients/cast.sh [URL]      (default: $BRAID_RPC_URL, else http://127.0.0.1:8545)
#
# One line per failed assertion, then "N passed, N failed"; exit status 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
url=${1:-${BRAID_RPC_URL:-http://127.0.0.1:8545}}
cast="$here/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
limit=${BRAID_CAST_TIMEOUT:-60} # seconds for any one cast command (a send waits for its receipt)
passed=0 failed=0

if [ ! -x "$cast" ]; then
  echo "FAIL cast: cast binary present: $cast missing (run npm ci in $here)"
  echo "0 passed, 1 failed"
  exit 1
fi

ok() { passed=$((passed + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   cast: $1"; return 0; }
bad() { failed=$((failed + 1)); echo "FAIL cast: $1: $(tr -s '\n' ' ' <<<"$2" | head -c 400)"; }
# check NAME ACTUAL EXPECTED
check() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got '$2', expected '$3'"; fi; }
# check_re NAME VALUE REGEX [DETAIL]: VALUE matches the extended regular expression
check_re() { if [[ "$2" =~ $3 ]]; then ok "$1"; else bad "$1" "got '$2' ${4:-}"; fi; }
# check_cmp NAME A OP B: a numeric comparison on integers of any size (node's BigInt)
check_cmp() {
  if node -e 'const [a, op, b] = process.argv.slice(1); const x = BigInt(a), y = BigInt(b);
    process.exit({ ">": x > y, ">=": x >= y, "<": x < y, "==": x === y }[op] ? 0 : 1)' "$2" "$3" "$4" 2>/dev/null; then
    ok "$1"
  else bad "$1" "got '$2', expected $3 $4"; fi
}
# c ARGS...: cast with the node's URL and a time limit; stdout is the result, stderr goes to $err
err=$(mktemp)
trap 'rm -f "$err"' EXIT
# (options before positionals: a variadic argument list would swallow a trailing --rpc-url)
c() { timeout "$limit" "$cast" "$1" --rpc-url "$url" "${@:2}" 2>"$err"; }
# json FIELD: one field of the JSON object on stdin ("" when absent or null)
json() { node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  try { const v = JSON.parse(s)[process.argv[1]]; console.log(v === null || v === undefined ? "" : String(v)); } catch { console.log(""); } })' "$1"; }
first() { awk '{ print $1; exit }'; } # cast annotates numbers: "1000000 [1e6]"
lower() { tr 'A-F' 'a-f'; }

# The node must answer at all.
chain_id=$(c chain-id)
if ! [[ "$chain_id" =~ ^[0-9]+$ ]]; then
  bad "node answers cast chain-id" "no JSON-RPC node at $url: $(head -c 300 "$err")"
  echo "$passed passed, $failed failed"
  exit 1
fi
ok "node answers cast chain-id"

key8=0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97 # dev account 8
acct8=0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f
acct9=0xa0Ee7A142d267C1f36714E4a8F75612F20a79720
check "the dev key derives dev account 8" "$(timeout "$limit" "$cast" wallet address --private-key $key8 2>/dev/null)" "$acct8"
recipient=0x$(node -e 'console.log(require("crypto").randomBytes(20).toString("hex"))')

# --- reads ---------------------------------------------------------------------------------------
bn=$(c block-number)
check_re "cast block-number is an integer" "$bn" '^[0-9]+$' "$(head -c 200 "$err")"
bal8=$(c balance $acct8)
check_cmp "cast balance of dev account 8 is positive" "${bal8:-0}" ">" 0
check "cast balance of an unused address is 0" "$(c balance "$recipient")" "0"
check_cmp "cast gas-price is positive" "$(c gas-price)" ">" 0
base=$(c base-fee)
check_re "cast base-fee is an integer" "$base" '^[0-9]+$'
check "cast block latest has a 32-byte hash" "$(c block latest -f hash | wc -c)" "67"
nonce0=$(c nonce $acct8)
check_re "cast nonce is an integer" "$nonce0" '^[0-9]+$'

# --- a value transfer: send, receipt, tx -----------------------------------------------------------
out=$(c send --json --private-key $key8 --value 1ether "$recipient")
hash=$(json transactionHash <<<"$out")
check "cast send --value: receipt status" "$(json status <<<"$out")" "0x1"
check_re "cast send --value: transaction hash" "$hash" '^0x[0-9a-f]{64}$' "$(head -c 300 "$err")"
check "cast receipt status" "$(c receipt "$hash" status)" "true"
check "cast receipt gasUsed" "$(c receipt "$hash" gasUsed)" "21000"
rc=$(c receipt --json "$hash")
check "cast receipt --json transactionHash" "$(json transactionHash <<<"$rc")" "$hash"
check "cast receipt --json blockNumber matches the send's" "$(json blockNumber <<<"$rc")" "$(json blockNumber <<<"$out")"
check "cast receipt --json from" "$(json from <<<"$rc" | lower)" "$(lower <<<"$acct8")"
tx=$(c tx --json "$hash")
check "cast tx value" "$(json value <<<"$tx")" "0xde0b6b3a7640000"
check "cast tx nonce" "$(node -e 'console.log(Number(process.argv[1]))' "$(json nonce <<<"$tx")")" "$nonce0"
check "cast balance of the recipient" "$(c balance "$recipient")" "1000000000000000000"
check "cast balance --ether" "$(c balance --ether "$recipient")" "1.000000000000000000"
check "cast nonce after the send" "$(c nonce $acct8)" "$((nonce0 + 1))"

# --- an ERC-20: deploy with --create, call, send, call at a block, revert, logs, storage --------------
bytecode=$(cd "$here" && node lib/contracts.mjs Token bytecode)
runtime=$(cd "$here" && node lib/contracts.mjs Token deployedBytecode)
out=$(c send --json --private-key $key8 --create "$bytecode" "constructor(string,string,uint256)" "Cast Token" CTK 1000000)
token=$(json contractAddress <<<"$out")
check "cast send --create: receipt status" "$(json status <<<"$out")" "0x1"
check_re "cast send --create: contract address" "$token" '^0x[0-9a-fA-F]{40}$' "$(head -c 300 "$err")"
deploy_block=$(node -e 'console.log(Number(process.argv[1]))' "$(json blockNumber <<<"$out")")
check "cast code is the runtime code" "$(c code "$token")" "$runtime"
check "cast call totalSupply()" "$(c call "$token" "totalSupply()(uint256)" | first)" "1000000"
check "cast call symbol()" "$(c call "$token" "symbol()(string)")" '"CTK"'
check "cast call balanceOf(deployer)" "$(c call "$token" "balanceOf(address)(uint256)" $acct8 | first)" "1000000"
check "cast storage slot 2 (totalSupply)" "$(c storage "$token" 2)" "0x00000000000000000000000000000000000000000000000000000000000f4240"

gas=$(c estimate --from $acct8 "$token" "transfer(address,uint256)" "$recipient" 250)
check_cmp "cast estimate of a token transfer exceeds 21000" "${gas:-0}" ">" 21000
out=$(c send --json --private-key $key8 "$token" "transfer(address,uint256)" "$recipient" 250)
check "cast send transfer: receipt status" "$(json status <<<"$out")" "0x1"
transfer_block=$(node -e 'console.log(Number(process.argv[1]))' "$(json blockNumber <<<"$out")")
check "cast send transfer: one log" "$(node -e 'console.log(JSON.parse(process.argv[1]).logs.length)' "$out" 2>/dev/null)" "1"
check "cast call balanceOf(recipient)" "$(c call "$token" "balanceOf(address)(uint256)" "$recipient" | first)" "250"
check "cast call balanceOf(recipient) at the deploy block" "$(c call --block "$deploy_block" "$token" "balanceOf(address)(uint256)" "$recipient" | first)" "0"
check "cast call balanceOf(deployer) at the transfer block" "$(c call --block "$transfer_block" "$token" "balanceOf(address)(uint256)" $acct8 | first)" "999750"

if c call --from $acct9 "$token" "transfer(address,uint256)" "$recipient" 1 >/dev/null; then
  bad "cast call of a reverting transfer fails" "it succeeded"
else
  ok "cast call of a reverting transfer fails"
  check_re "cast call revert names the reason" "$(head -c 300 "$err")" 'insufficient balance'
fi
if c send --private-key 0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6 "$token" "transfer(address,uint256)" "$recipient" 1 >/dev/null; then
  bad "cast send of a reverting transfer is refused at estimation" "it was sent"
else
  ok "cast send of a reverting transfer is refused at estimation"
  check_re "cast send revert names the reason" "$(head -c 300 "$err")" 'insufficient balance'
fi

logs=$(c logs --json --from-block "$deploy_block" --to-block latest --address "$token" "Transfer(address indexed,address indexed,uint256)")
check "cast logs finds the mint and the transfer" "$(node -e 'console.log(JSON.parse(process.argv[1]).length)' "$logs" 2>/dev/null)" "2"
check "cast logs: the second is the transfer transaction" "$(node -e 'console.log(JSON.parse(process.argv[1])[1].transactionHash)' "$logs" 2>/dev/null)" "$(json transactionHash <<<"$out")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
