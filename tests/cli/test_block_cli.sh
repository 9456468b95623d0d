#!/usr/bin/env bash
# braid block on real mainnet blocks from every fork (tests/data/mainnet, see its README), and on hostile
# input, which must give a clear error naming the field and exit status 2, never a crash.
# Usage: test_block_cli.sh BRAID
set -u
braid=${1:?usage: $0 path/to/braid}
data=tests/data/mainnet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

pick() { # the plain or compressed file
  if [ -f "$1" ]; then echo "$1"; else echo "$1.zst"; fi
}

# Every real block: all checkable header fields must match (exit 0), and every fork must be covered.
forks=""
for dir in "$data"/*/; do
  n=$(basename "$dir")
  args=(--prestate "$(pick "$dir/prestate.json")" --block "$(pick "$dir/block.json")" --json)
  [ -f "$dir/block_hashes.json" ] && args+=(--block-hashes "$dir/block_hashes.json")
  out=$("$braid" block "${args[@]}" 2>&1)
  rc=$?
  if [ $rc -eq 0 ] && grep -q '"match":true}$' <<<"$out"; then ok; else bad "block $n: rc=$rc $out"; fi
  forks="$forks $(grep -o '"fork":"[A-Za-z]*"' <<<"$out")"
done
for f in Frontier Homestead TangerineWhistle SpuriousDragon Byzantium Petersburg Istanbul Berlin London Paris Shanghai Cancun; do
  grep -q "\"fork\":\"$f\"" <<<"$forks" && ok || bad "no real block of fork $f"
done

# Hostile input, built from block 46147 (one legacy transfer).
blk=$data/46147/block.json pre=$data/46147/prestate.json
expect_error() { # expect_error DESCRIPTION PATTERN EXIT ARGS...
  local what=$1 pattern=$2 want=$3; shift 3
  local out rc
  out=$("$braid" block "$@" 2>&1)
  rc=$?
  if [ $rc -eq "$want" ] && grep -qF -- "$pattern" <<<"$out"; then ok; else bad "$what: rc=$rc (want $want), output: $out"; fi
}
head -c 300 "$blk" >"$tmp/truncated.json"
expect_error "truncated block" "truncated.json: line" 2 --prestate "$pre" --block "$tmp/truncated.json"
sed 's/"gasLimit":"0x520b",//' "$blk" >"$tmp/nogaslimit.json"
expect_error "missing gasLimit" "field 'gasLimit' is missing or malformed" 2 --prestate "$pre" --block "$tmp/nogaslimit.json"
sed 's/"from":"0xa1e4380a3b1f749673e270229993ee55f35663b4"/"from":"0x0000000000000000000000000000000000000001"/' "$blk" >"$tmp/from.json"
expect_error "from does not match" "transaction 0: the signature recovers 0xa1e4380a3b1f749673e270229993ee55f35663b4, but 'from' says" 2 --prestate "$pre" --block "$tmp/from.json"
sed 's/"nonce":"0x0"/"nonce":[]/' "$blk" >"$tmp/nonce.json"
expect_error "wrong type" "transaction 0:" 2 --prestate "$pre" --block "$tmp/nonce.json"
sed 's/"r":"0x88ff6cf0fefd94db/"r":"0x88ff6cf0fefd94dc/' "$blk" >"$tmp/sig.json"
expect_error "tampered signature" "transaction 0:" 2 --prestate "$pre" --block "$tmp/sig.json"
sed 's/"hash":"0x4e3a3754410177e6937ef1f84bba68ea139e8d1a2258c5f85db9f1cd715a1bdd",//; s/"gasUsed":"0x5208"/"gasUsed":"0x5209"/' "$blk" >"$tmp/gasused.json"
expect_error "wrong gasUsed in the header" "MISMATCH" 1 --prestate "$pre" --block "$tmp/gasused.json"
sed 's/"gasUsed":"0x5208"/"gasUsed":"0x5209"/' "$blk" >"$tmp/hash.json"
expect_error "header not matching its hash" "do not hash to the given 'hash'" 2 --prestate "$pre" --block "$tmp/hash.json"
printf '{"0xa1e4380a3b1f749673e270229993ee55f35663b4": {"balance": "0xzz"}}' >"$tmp/pre.json"
expect_error "bad pre-state balance" "account 0xa1e4380a3b1f749673e270229993ee55f35663b4: missing or malformed balance" 2 --prestate "$tmp/pre.json" --block "$blk"
printf '{"abc": "0x00"}' >"$tmp/hashes.json"
expect_error "bad block-hashes key" "entry 'abc'" 2 --prestate "$pre" --block "$blk" --block-hashes "$tmp/hashes.json"
printf '\x28\xb5\x2f\xfd\x00\x00garbage' >"$tmp/broken.json.zst"
expect_error "corrupt zstd" "broken.json.zst: zstd" 2 --prestate "$pre" --block "$tmp/broken.json.zst"
expect_error "missing option" "--prestate and --block are required" 2 --block "$blk"
expect_error "unknown chain" "unknown chain 'Moon'" 2 --prestate "$pre" --block "$blk" --chain Moon
# The sender cannot pay: the block does not execute, which is a failure of the check (exit 1).
printf '{"0xa1e4380a3b1f749673e270229993ee55f35663b4": {"balance": "0x1"}}' >"$tmp/poor.json"
expect_error "sender cannot pay" "insufficient funds" 1 --prestate "$tmp/poor.json" --block "$blk"

echo "block cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
