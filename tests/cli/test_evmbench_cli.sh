#!/usr/bin/env bash
# braid evmbench: the JSON-lines format, the check against the file's expected post-state (a case whose
# result is wrong is reported and never timed), and bad options. Usage: test_evmbench_cli.sh BRAID
set -u
braid=${1:?usage: $0 path/to/braid}
suite=../shared/fixtures/evm-benchmarks
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
expect() { # expect DESCRIPTION PATTERN FILE
  if grep -qF -- "$2" "$3"; then ok; else bad "$1: no '$2' in $(basename "$3")"; fi
}

"$braid" evmbench --repeat 3 --json "$suite/main/swap_math.json" "$suite/micro/jump_around.json" \
  >"$tmp/out.json" 2>"$tmp/err.txt"
rc=$?
[ $rc -eq 0 ] && ok || bad "exit status $rc on the good files"
[ "$(wc -l <"$tmp/out.json")" -eq 4 ] && ok || bad "expected 4 JSON lines (3 swap_math inputs, 1 jump_around)"
# Every line is one object with the five fields, names as evmone's tool gives them (test/label).
for name in swap_math/spent swap_math/received swap_math/insufficient_liquidity jump_around/empty; do
  expect "case $name" "{\"name\": \"$name\", \"fork\": \"London\", \"gas_used\": " "$tmp/out.json"
done
n=$(grep -cE '^\{"name": "[a-z_A-Z0-9/]+", "fork": "London", "gas_used": [1-9][0-9]*, "median_ns": [1-9][0-9]*, "min_ns": [1-9][0-9]*, "runs": 3\}$' "$tmp/out.json")
[ "$n" -eq 4 ] && ok || bad "only $n of 4 lines have the expected shape"
expect "the check summary goes to stderr" "4 passed, 0 failed" "$tmp/err.txt"

# A wrong expected post-state for the second input: reported, not timed, exit status 1.
sed 's/0x6c2a379be71787a903a60a42105f3faa2450b6a0c78599b2002934254124d0b6/0x6c2a379be71787a903a60a42105f3faa2450b6a0c78599b2002934254124d0b7/' \
  "$suite/main/swap_math.json" >"$tmp/tampered.json"
"$braid" evmbench --repeat 2 "$tmp/tampered.json" >"$tmp/out2.txt" 2>&1
[ $? -eq 1 ] && ok || bad "a wrong post-state did not fail the run"
expect "the mismatch is named" "state root" "$tmp/out2.txt"
grep -q '^swap_math/received' "$tmp/out2.txt" && bad "the failing case was timed" || ok
expect "the other cases still ran" "2 passed, 1 failed" "$tmp/out2.txt"

# --bounded times the loop eth_call runs: the same cases pass and the same gas is used.
"$braid" evmbench --repeat 3 --json --bounded "$suite/main/swap_math.json" "$suite/micro/jump_around.json" \
  >"$tmp/bounded.json" 2>"$tmp/bounded_err.txt"
[ $? -eq 0 ] && ok || bad "--bounded run failed"
[ "$(jq -c '[.name, .gas_used]' "$tmp/bounded.json")" == "$(jq -c '[.name, .gas_used]' "$tmp/out.json")" ] && ok ||
  bad "--bounded: other cases or gas: $(jq -c '[.name, .gas_used]' "$tmp/bounded.json" | tr '\n' ' ')"

printf '{"x": [1' >"$tmp/truncated.json"
"$braid" evmbench --repeat 1 "$tmp/truncated.json" >"$tmp/out3.txt" 2>&1
[ $? -eq 1 ] && ok || bad "a truncated file did not fail"
expect "truncated JSON" "cannot read JSON" "$tmp/out3.txt"

for args in "--repeat 0 x.json" "--repeat abc x.json" "--repeat" "--frobnicate x.json" "" "--fork Nonsense x.json"; do
  # shellcheck disable=SC2086
  "$braid" evmbench $args >/dev/null 2>&1
  [ $? -eq 2 ] && ok || bad "evmbench $args: expected exit status 2"
done

echo "evmbench cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
