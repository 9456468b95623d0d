# Sourced by the node test scripts: waiting for a node to serve, and reading back the chain's
# transactions.

# node_url LOG PID: waits up to 10 s for the node started as PID, logging to LOG, to print the URL it
# serves on; prints it and succeeds, or fails when the node exits or never prints one.
node_url() {
  local url
  for _ in $(seq 1 200); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$1" | head -1)
    [ -n "$url" ] && { echo "$url"; return 0; }
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# chain_tx_hashes HEAD: the hash of every transaction in blocks 0..HEAD, one per line, read with
# eth_getBlockByNumber through the caller's `post` (request body on stdin) in batches of 500 (the node
# takes 1,000 at most).
chain_tx_hashes() {
  local from to b
  for ((from = 0; from <= $1; from += 500)); do
    to=$((from + 499 < $1 ? from + 499 : $1))
    for b in $(seq "$from" "$to"); do
      printf '{"jsonrpc":"2.0","id":%d,"method":"eth_getBlockByNumber","params":["0x%x",false]}\n' "$b" "$b"
    done | jq -s -c . | post | jq -r '.[].result.transactions[]'
  done
}
