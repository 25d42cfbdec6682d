#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's swift-format and the repository's .swift-format; `--check` only
# lints (what CI runs) and fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Benchmarks Fuzz Package.swift)
if [[ "${1:-}" == "--check" ]]; then
    swift format lint --strict --recursive --parallel "${paths[@]}"
else
    swift format format --in-place --recursive --parallel "${paths[@]}"
fi
