#!/usr/bin/env bash
# Runs the test suite, the same files, on each runtime named (all of them by default):
#   node      the machine's Node, as `npm test`
#   node22    Node 22 (and node24, Node 24): the same vitest run as `npm test`
#   bun       `bun test`, Bun's own runner (it maps the vitest import)
#   deno      `deno test`, with deno.json mapping vitest to test/deno-vitest-shim.ts
#             (Node 22, Node 24, Bun and Deno come from .runtimes/: scripts/install-runtimes.sh)
#   browser   headless Chromium, vitest's browser mode (vitest.browser.config.ts)
# Every runtime runs test/**/*.test.ts, real garbage collection included; only Node runs *.node.test.ts
# (docs/runtimes.md). Prints each runtime's counts and time, then the totals; fails if any runtime failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1 FORCE_COLOR=0

runtimes=("$@")
[[ $# -gt 0 ]] || runtimes=(node node22 node24 bun deno browser)

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

portable_tests() {
  find test -name '*.test.ts' ! -name '*.node.test.ts' | sort | sed 's|^|./|'
}

# A runtime's binary, installed by scripts/install-runtimes.sh.
binary() {
  local path=.runtimes/$1/node_modules/.bin/$2
  if [[ ! -x $path ]]; then
    echo "test-runtimes: no $path; run scripts/install-runtimes.sh first" >&2
    return 2
  fi
  echo "$path"
}

# vitest's forks run on process.execPath, so starting vitest with another node runs the tests on it.
vitest_on() {
  local node
  node=$(binary "$1" node) || return
  PATH="$(dirname "$node"):$PATH" "$node" node_modules/vitest/vitest.mjs run
}

run() {
  case $1 in
    node) npm test ;;
    node22 | node24) vitest_on "$1" ;;
    # Each file in a fresh global, as vitest isolates them; Bun's default timeout is 5 s, vitest's here 30 s.
    # JavaScriptCore's DFG tier off: with it on, a random dropped object now and then survives every
    # forced collection (docs/runtimes.md, "Bun").
    bun)
      local bun files
      bun=$(binary bun bun) || return
      mapfile -t files < <(portable_tests)
      BUN_JSC_useDFGJIT=0 "$bun" test --isolate --timeout 30000 "${files[@]}"
      ;;
    deno)
      local deno
      deno=$(binary deno deno) || return
      "$deno" test --allow-all --no-check --v8-flags=--expose-gc
      ;;
    browser) npx vitest run --config vitest.browser.config.ts ;;
    *)
      echo "test-runtimes: unknown runtime '$1' (node, node22, node24, bun, deno, browser)" >&2
      return 2
      ;;
  esac
}

# The line where the runner counts its tests.
closing_line() {
  case $1 in
    bun) grep -E '^ *[0-9]+ (pass|fail)$' "$2" | tr '\n' ' ' ;;
    deno) grep -E '[0-9]+ passed \| [0-9]+ failed' "$2" | tail -n 1 ;;
    *) grep -E '^ +Tests +[0-9]' "$2" | tail -n 1 ;;
  esac
}

# The number before a word ("pass" also finds "passed"), or 0.
number_before() {
  grep -oE "[0-9]+ $1" <<< "$2" | grep -oE '^[0-9]+' || echo 0
}

summary=()
total_passed=0
total_failed=0
status=0
for runtime in "${runtimes[@]}"; do
  printf '\n--- %s\n' "$runtime"
  started=$SECONDS
  code=0
  run "$runtime" 2>&1 | tee "$logs/$runtime.log" || code=$?
  counted=$(closing_line "$runtime" "$logs/$runtime.log" || true)
  passed=$(number_before pass "$counted")
  failed=$(number_before fail "$counted")
  line=$(printf '%-8s %5d passed, %3d failed  %4ds' "$runtime" "$passed" "$failed" $((SECONDS - started)))
  # A runner can fail without a failed test to count: a test file that does not even load, say.
  [[ $code == 0 ]] || line+="  (exit code $code)"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  [[ $code == 0 ]] || status=1
  summary+=("$line")
done

printf '\n--- runtimes\n'
printf '%s\n' "${summary[@]}"
printf 'runtimes: %d passed, %d failed\n' "$total_passed" "$total_failed"
exit "$status"
