#!/usr/bin/env bash
# Installs the Debian packages Braid builds and tests against. Skips packages already present.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

pkgs=(build-essential cmake pkg-config clang
      libsecp256k1-dev libssl-dev libgmp-dev liblmdb-dev libjansson-dev libmicrohttpd-dev libzstd-dev)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# The client tests and the hostile-input suite run on Node.js with npm packages: Debian's nodejs and npm
# when the machine has no node of its own (one from elsewhere, e.g. NodeSource's, is kept as it is).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
