#!/usr/bin/env bash
# Writes Sources/skupperd/Link/hot-symbols.txt: the functions a release skupperd runs while it starts on an empty
# directory, takes in a site of 200 resources, takes one change more and idles, in the order it first ran them.
# The release link lays these out first and together (lld's --symbol-ordering-file, see Package.swift), so the pages
# of code an idle agent keeps resident are few: scattered, they made 13 of its 21 MiB (BENCHMARKS.md, issue 13).
# Run it again when the agent or its dependencies change much; a stale list only costs memory, never correctness.
# Needs valgrind (apt-get install valgrind); builds the release agent, then takes about two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
command -v valgrind >/dev/null || { echo "error: valgrind is missing: apt-get install valgrind" >&2; exit 1; }
OUT=Sources/skupperd/Link/hot-symbols.txt

# As the Debian package and the bench build it: the runtime's functions are then the binary's own, and ordered too.
read -r -a FLAGS < packaging/release-build-flags
swift build "${FLAGS[@]}" --product skupperd >&2
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)/skupperd"
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PID=
# valgrind cannot read this toolchain's DWARF 5 name index: run a copy without debug information (same code, same names).
strip -g -o "$WORK/skupperd" "$BIN"
SITE="$WORK/site"; mkdir -p "$SITE/input/resources"

# Waits until the agent has written at least $1 status files (valgrind makes it some fifty times slower).
wait_for_statuses() {
    for _ in $(seq 1 600); do
        [ "$(find "$SITE/runtime/resources" -name '*.yaml' 2>/dev/null | wc -l)" -ge "$1" ] && return 0
        sleep 0.5
    done
    echo "error: the agent wrote no $1 status files; see $WORK/agent.log" >&2; exit 1
}

valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/callgrind.out" \
    "$WORK/skupperd" --config-dir "$SITE" --platform render --log-level warning >"$WORK/agent.log" 2>&1 &
PID=$!
sleep 20 # the empty directory's start and idle

# A site with 100 listener/connector pairs in two files, written beside the directory and moved in (as users do).
{
    printf 'apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: hot}\nspec: {linkAccess: default}\n'
} >"$WORK/site.yaml"
for file in 0 1; do
    for i in $(seq $((file * 50)) $((file * 50 + 49))); do
        printf -- '---\napiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: l%d}\nspec: {host: 127.0.0.1, port: %d, routingKey: k%d}\n' "$i" $((10000 + i)) "$i"
        printf -- '---\napiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata: {name: c%d}\nspec: {host: 10.0.0.%d, port: 8080, routingKey: k%d}\n' "$i" $((i % 250 + 1)) "$i"
    done >"$WORK/r$file.yaml"
done
mv "$WORK/site.yaml" "$WORK/r0.yaml" "$WORK/r1.yaml" "$SITE/input/resources/"
wait_for_statuses 201
printf 'apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: dropped}\nspec: {host: 127.0.0.1, port: 9999, routingKey: dropped}\n' >"$WORK/drop.yaml"
mv "$WORK/drop.yaml" "$SITE/input/resources/"
wait_for_statuses 202
sleep 10
kill -TERM "$PID"; wait "$PID" || true; PID=

# The functions, in the order callgrind first named them, without its recursion suffixes ('2), kept where the binary
# defines the name (a generic specialization a module made for itself may be defined in several: each is laid out
# with the others, every function being a section of its own, but for the Swift runtime's).
nm --defined-only "$BIN" | awk '{ print $3 }' | sort -u >"$WORK/defined"
grep -oE '^c?fn=\([0-9]+\) .*' "$WORK/callgrind.out" | sed -E "s/^c?fn=\([0-9]+\) //; s/'[0-9]+\$//" | awk '!seen[$0]++' \
    | grep -Fxf "$WORK/defined" >"$OUT"
# The link does not know the list is one of its inputs: link again.
rm -f "$BIN"
echo "$(wc -l <"$OUT") functions written to $OUT" >&2
