#!/usr/bin/env bash
# Times braid evmbench beside evmone's benchmark tool on the evm-benchmarks suite, in interleaved rounds on
# the same machine, and prints each case's median over the rounds and the ratio braid/evmone (below 1:
# braid is faster). evmone is not part of Braid: build its evmone-bench yourself, outside this repository,
# and pass its path. evmone's time is its baseline interpreter with code analysis included
# ("baseline/total"), as the reference figures are.
#
#   bench/compare_evmone.sh /path/to/evmone-bench [ROUNDS] [SUITE]
#
# ROUNDS defaults to 3; SUITE to ../shared/fixtures/evm-benchmarks. Needs only bash, awk and sort.
set -euo pipefail
evmone=${1:?usage: $0 /path/to/evmone-bench [ROUNDS] [SUITE]}
rounds=${2:-3}
suite=${3:-../shared/fixtures/evm-benchmarks}
braid=${BRAID:-./build/braid}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds" >&2
  # name,iterations,real_time,cpu_time,time_unit,... ; names like "baseline/total/main/snailtracer/benchmark"
  "$evmone" "$suite" --benchmark_filter='^baseline/total/' --benchmark_format=csv 2>/dev/null |
    awk -F, '/^"baseline\/total\// {
      gsub(/"/, "", $1); sub(/^baseline\/total\/[a-z]+\//, "", $1)
      t = $3; u = $5; if (u == "ms") t *= 1e3; else if (u == "ns") t /= 1e3; else if (u == "s") t *= 1e6
      print $1, t }' >>"$tmp/evmone.txt"
  # {"name": "snailtracer/benchmark", "fork": ..., "median_ns": T, ...}
  "$braid" evmbench --json "$suite/main" "$suite/micro" 2>/dev/null |
    awk -F'"' '{ name = $4; for (i = 1; i <= NF; i++) if ($i == "median_ns") { v = $(i + 1); gsub(/[:, ]/, "", v) }
      print name, v / 1e3 }' >>"$tmp/braid.txt"
done

median() { # median of the values of each name: NAME VALUE lines in, NAME MEDIAN out
  sort -k1,1 -k2,2g "$1" | awk '{ n[$1]++; v[$1, n[$1]] = $2 } END {
    for (k in n) { m = n[k]; print k, (m % 2 ? v[k, (m + 1) / 2] : (v[k, m / 2] + v[k, m / 2 + 1]) / 2) } }' | sort
}
median "$tmp/evmone.txt" >"$tmp/evmone.med"
median "$tmp/braid.txt" >"$tmp/braid.med"
printf '%-40s %14s %14s %7s\n' case "braid us" "evmone us" ratio
join "$tmp/braid.med" "$tmp/evmone.med" | awk '{ printf "%-40s %14.2f %14.2f %7.2f\n", $1, $2, $3, $2 / $3 }'
