#!/usr/bin/env bash
# braid blocktest on hostile input: malformed files and tests give a clear error naming the file and
# test, the run goes on, nothing crashes. Usage: test_blocktest_cli.sh BRAID
set -u
braid=${1:?usage: $0 path/to/braid}
fixtures=../shared/fixtures/ethereum-tests/BlockchainTests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() { # expect DESCRIPTION PATTERN FILE
  if grep -qF -- "$2" "$3"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1: no '$2' in output"; cat "$3"; fi
}
good=$fixtures/ValidBlocks/bcExample/basefeeExample.json
cp "$good" "$tmp/good.json"
head -c 500 "$good" >"$tmp/truncated.json"
printf '{"t": {"network": "Cancun"}}' >"$tmp/missing.json"
printf '{"t": {"network": "Moon"}}' >"$tmp/network.json"
# a valid block's RLP corrupted, with no expectException: the test must fail naming the block
sed 's/"rlp" : "0xf9031[0-9a-f]/"rlp" : "0xf8/' "$good" >"$tmp/badrlp.json"
# a valid block marked as expected to fail: importing it must be reported
sed 's/"blocknumber" : "1",/"blocknumber" : "1", "expectException" : "TransactionException.INTRINSIC_GAS_TOO_LOW",/' "$good" >"$tmp/notinvalid.json"

"$braid" blocktest "$tmp" >"$tmp/out.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL exit status $rc, expected 1"; }
expect "truncated JSON" "truncated.json: cannot read JSON" "$tmp/out.txt"
expect "missing fields" "missing.json t: malformed test" "$tmp/out.txt"
expect "unknown network" "network.json t: unknown or missing network" "$tmp/out.txt"
expect "corrupt block rlp" "badrlp.json basefeeExample_Cancun: block 1 rejected: block:" "$tmp/out.txt"
expect "valid block marked invalid" "notinvalid.json basefeeExample_Cancun: block 1: expected TransactionException.INTRINSIC_GAS_TOO_LOW, but it was imported" "$tmp/out.txt"
expect "the good file passed" "1 passed, 5 failed" "$tmp/out.txt"
"$braid" blocktest --threads 0 "$tmp/good.json" >"$tmp/out2.txt" 2>&1
[ $? -eq 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --threads 0 accepted"; }

echo "blocktest cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
