#!/usr/bin/env bash
# Builds the fuzz targets under Fuzz/ (libFuzzer and AddressSanitizer, scratch path .build-fuzz) and runs each for
# SECONDS (default 30), seeded from its committed corpus (Fuzz/<Target>/corpus). Exits non-zero if any target
# crashes, hangs (one input over 10 s), runs out of memory or leaks; the input that did it is saved in
# .build-fuzz/fuzz/<target>/artifacts/ and can be replayed with `.build-fuzz/debug/fuzz-<target> <file>`.
#
#   scripts/fuzz.sh          # 30 s per target
#   scripts/fuzz.sh 3600     # a long run; the corpus grown in .build-fuzz/fuzz/<target>/corpus is kept between runs
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

seconds="${1:-30}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "usage: scripts/fuzz.sh [seconds per target]   (got \"$seconds\")" >&2
    exit 2
fi
scratch=.build-fuzz
# product name : folder under Fuzz/ : extra libFuzzer options. The grant target answers through Swift tasks, whose
# memory is freed on other threads after an input returns; libFuzzer then runs a full leak scan after every input
# (five times slower, and it never found anything), so it does not check leaks input by input.
targets=("fuzz-resource-loader:ResourceLoader:" "fuzz-grant-requests:GrantRequests:-detect_leaks=0" "fuzz-flow-records:FlowRecords:"
    "fuzz-console-requests:ConsoleRequests:")

# Package.swift declares the fuzz targets only when SKUPPER_FUZZ=1 (their main comes from libFuzzer).
export SKUPPER_FUZZ=1
for entry in "${targets[@]}"; do
    product="${entry%%:*}"
    echo "== building $product"
    # Line tables are all a stack trace needs; full debug info costs build time and nothing else here.
    swift build --scratch-path "$scratch" --sanitize fuzzer --sanitize address \
        -Xswiftc -gline-tables-only -Xcc -gline-tables-only --product "$product" 2>&1 \
        | grep -v "Cannot export local symbol" || { echo "error: building $product failed" >&2; exit 1; }
    [ -x "$scratch/debug/$product" ] || { echo "error: $scratch/debug/$product was not built" >&2; exit 1; }
done

failed=()
for entry in "${targets[@]}"; do
    IFS=: read -r product folder options <<<"$entry"
    work="$scratch/fuzz/${product#fuzz-}"
    mkdir -p "$work/corpus" "$work/artifacts"
    # The grant target keeps its ledger under TMPDIR: a scratch directory (in memory when it can) removed afterwards.
    tmp="$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)"
    echo "== running $product for ${seconds}s (log: $work/log)"
    dictionary=()
    if [ -f "Fuzz/$folder/dictionary" ]; then dictionary=(-dict="Fuzz/$folder/dictionary"); fi
    status=0
    # New inputs go to the first corpus directory (the grown one), never into the committed seeds.
    TMPDIR="$tmp" ASAN_OPTIONS="quarantine_size_mb=32:detect_leaks=1" LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan-suppressions.txt" \
        "$scratch/debug/$product" \
        -max_total_time="$seconds" -timeout=10 -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "${dictionary[@]}" $options "$work/corpus" "Fuzz/$folder/corpus" >"$work/log" 2>&1 || status=$?
    rm -rf "$tmp"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
    if [ "$status" -ne 0 ]; then
        echo "FAILED: $product exited with status $status; the end of its log:" >&2
        grep -v "Cannot export local symbol" "$work/log" | tail -40 >&2
        ls -1 "$work/artifacts" >&2 || true
        failed+=("$product")
    else
        echo "ok: $product, ${runs:-?} runs, ${rate:-?} runs/s"
    fi
done

if [ "${#failed[@]}" -ne 0 ]; then
    echo "fuzzing found problems in: ${failed[*]}" >&2
    exit 1
fi
