#!/usr/bin/env bash
# Installs the runtimes that scripts/test-runtimes.sh runs the tests on, besides the machine's Node:
# Node 22, Node 24, Bun and Deno from their npm packages, each into .runtimes/<name>/ (never into the
# project: node_modules/.bin/node would shadow the machine's node in every npm script, and contributors
# who only run `npm test` need not download ~600 MB), and Debian's chromium when it is missing.
# Safe to run again: a runtime already installed at the pinned version is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned, so that CI is reproducible; bump here.
runtimes=(node22:node@22.23.3 node24:node@24.21.0 bun:bun@1.4.5 deno:deno@2.9.6)
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}

install() {
  local dir=.runtimes/$1 package=$2
  if [[ -f $dir/installed && $(< "$dir/installed") == "$package" ]]; then return; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  echo '{ "private": true }' > "$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$package"
  echo "$package" > "$dir/installed"
}

pids=()
for runtime in "${runtimes[@]}"; do
  install "${runtime%%:*}" "${runtime#*:}" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

if [[ ! -x $chromium ]]; then
  if [[ $(id -u) != 0 ]]; then
    echo "install-runtimes: no Chromium at $chromium: install Debian's chromium package" \
      "(apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium > /dev/null
fi

bin=.runtimes/%s/node_modules/.bin/%s
echo "node22   $("$(printf "$bin" node22 node)" --version)"
echo "node24   $("$(printf "$bin" node24 node)" --version)"
echo "bun      $("$(printf "$bin" bun bun)" --version)"
echo "deno     $("$(printf "$bin" deno deno)" --version | head -n 1)"
echo "chromium $("$chromium" --version 2> /dev/null)"
