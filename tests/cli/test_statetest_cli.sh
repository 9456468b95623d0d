#!/usr/bin/env bash
# braid statetest on hostile input: malformed files must give a clear error naming the file (and test),
# the run must go on to the other files, and nothing may crash. Usage: test_statetest_cli.sh BRAID
set -u
braid=${1:?usage: $0 path/to/braid}
fixtures=../shared/fixtures/ethereum-tests/GeneralStateTests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() { # expect DESCRIPTION PATTERN FILE
  if grep -qF -- "$2" "$3"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1: no '$2' in output"; fi
}

printf '{"x": [1,2' >"$tmp/truncated.json"
printf '[]' >"$tmp/array.json"
printf '{"t1": {"pre": {}, "env": {}, "post": {}, "transaction": {}}}' >"$tmp/missing.json"
# A valid test whose pre-state balance is 68 hex digits, and one whose post indexes point nowhere.
sed 's/"balance" : "0x0de0b6b3a7640000"/"balance" : "0x10000000000000000000000000000000000000000000000000000000000000000000"/' \
  "$fixtures/stExample/add11.json" >"$tmp/bigbalance.json"
sed 's/"data" : 0,/"data" : 9,/' "$fixtures/stExample/add11.json" >"$tmp/badindex.json"
cp "$fixtures/stExample/add11.json" "$tmp/good.json"

"$braid" statetest "$tmp" >"$tmp/out.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL exit status $rc, expected 1"; }
expect "truncated JSON" "truncated.json: cannot read JSON: line 1" "$tmp/out.txt"
expect "non-object file" "array.json: not a state-test file" "$tmp/out.txt"
expect "missing env" "missing.json t1: malformed test: env" "$tmp/out.txt"
expect "oversized balance" "bigbalance.json add11: malformed test: pre-state account" "$tmp/out.txt"
expect "index out of range" "badindex.json add11 Cancun d=9" "$tmp/out.txt"
expect "the good file still ran" "1 passed, 5 failed" "$tmp/out.txt"

"$braid" statetest --jobs 0 "$tmp/good.json" >"$tmp/out2.txt" 2>&1
[ $? -eq 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --jobs 0 accepted"; }
"$braid" statetest --fork Nonsense "$tmp/good.json" >"$tmp/out3.txt" 2>&1
[ $? -eq 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL unknown fork accepted"; }
expect "unknown fork message" "unknown fork 'Nonsense'" "$tmp/out3.txt"

# add11: gasLimit 400000 minus the 21000 intrinsic gas is 0x5c878 at the first instruction; the root is the
# fixture's expected post-state root.
"$braid" statetest --trace "$tmp/good.json" >/dev/null 2>"$tmp/trace.txt"
expect "trace step line" '{"pc":0,"op":96,"gas":"0x5c878","gasCost":"0x3","memSize":0,"stack":[],"depth":1,"refund":0,"opName":"PUSH1"}' "$tmp/trace.txt"
expect "trace state root" '{"stateRoot":"0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa530"}' "$tmp/trace.txt"

# --time-limit stops a transaction that its gas would let run for minutes (10^12 gas): an endless loop
# (stopped at a jump), and a contract that calls itself twice with no jump at all (stopped as frames
# start). Each must fail its case within a second or so, not run on.
for t in loop:5b600056 fanout:60006000600060006000305af15060006000600060006000305af15000; do
  name=${t%%:*} code=${t#*:}
  sed -e "s/\"code\" : \"0x600160010160005500\"/\"code\" : \"0x$code\"/" -e 's/"0x061a80"/"0xe8d4a51000"/' \
    "$fixtures/stExample/add11.json" >"$tmp/$name.json"
  start=$(date +%s%N)
  timeout 60 "$braid" statetest --time-limit 300 "$tmp/$name.json" >"$tmp/$name.txt" 2>&1
  rc=$? ms=$((($(date +%s%N) - start) / 1000000))
  [ $rc -eq 1 ] && [ $ms -lt 3000 ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL --time-limit 300 on $name: exit status $rc after $ms ms"; }
  expect "$name stopped by the time limit" "add11 Cancun d=0 g=0 v=0: stopped at the time limit (300 ms)" "$tmp/$name.txt"
done
"$braid" statetest --time-limit 0 "$tmp/good.json" >"$tmp/out4.txt" 2>&1
[ $? -eq 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --time-limit 0 accepted"; }
# A generous limit changes nothing: the case passes through the loop that reads the clock.
"$braid" statetest --time-limit 60000 "$tmp/good.json" >"$tmp/out5.txt" 2>&1
expect "a case within the limit passes" "1 passed, 0 failed" "$tmp/out5.txt"

echo "statetest cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
