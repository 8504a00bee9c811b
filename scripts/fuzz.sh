#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each for a
# bounded time on a fresh copy of its committed seed corpus (tests/fuzz/corpus/<target>, never
# modified), two targets at a time. Prints the executions of every target; exits non-zero on any
# finding, leaving the input that triggered it in build/fuzz/findings/<target>/ and the log in
# build/fuzz/run/<target>.log. Reproduce one with build/fuzz/tests/fuzz/fuzz_<target> <input>.
#
#   bash scripts/fuzz.sh [seconds per target, default 45]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${1:-45}"
targets=(expression json ledger scorecard model_fields ledger_extremes)
parallel=2

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ (with libFuzzer) is required" >&2; exit 1; }
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)"

run="$root/build/fuzz/run"
findings="$root/build/fuzz/findings"
rm -rf "$run" "$findings"

fuzz_one() {
  local target=$1 corpus="$run/$1/corpus" dictionary="$root/tests/fuzz/$1.dict"
  mkdir -p "$corpus" "$findings/$target"
  cp "$root/tests/fuzz/corpus/$target"/* "$corpus/"
  local options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
                 -artifact_prefix="$findings/$target/")
  [[ -f $dictionary ]] && options+=(-dict="$dictionary")
  "$root/build/fuzz/tests/fuzz/fuzz_$target" "${options[@]}" "$corpus" >"$run/$target.log" 2>&1
}

# Runs the targets `parallel` at a time; remembers each one's exit status.
declare -A status
for ((first = 0; first < ${#targets[@]}; first += parallel)); do
  declare -A pids=()
  for target in "${targets[@]:first:parallel}"; do
    fuzz_one "$target" &
    pids[$target]=$!
  done
  for target in "${!pids[@]}"; do
    if wait "${pids[$target]}"; then status[$target]=0; else status[$target]=$?; fi
  done
  unset pids
done

failed=0
for target in "${targets[@]}"; do
  log="$run/$target.log"
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus_size=$(find "$run/$target/corpus" -type f | wc -l)
  if [[ ${status[$target]} -eq 0 ]]; then
    printf 'fuzz_%-11s %10s executions in %ss, corpus %s inputs: no findings\n' \
      "$target" "${executions:-?}" "$seconds" "$corpus_size"
  else
    failed=1
    printf 'fuzz_%-11s FINDING after %s executions (exit %s); input in %s\n' \
      "$target" "${executions:-?}" "${status[$target]}" "$findings/$target/"
    grep -E -m1 -A30 'ERROR: |runtime error|invariant broken|SUMMARY' "$log" | head -40 || tail -40 "$log"
  fi
done
exit "$failed"
