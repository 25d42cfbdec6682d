#!/usr/bin/env bash
# Builds skupper-router 3.5.1 (the version Skupper 2.2's default image pins) and the Qpid Proton it is built with,
# and installs them into a prefix:
#
#   scripts/build-router.sh                      # from ../shared/vendor (offline), else from upstream (git)
#   scripts/build-router.sh --prefix DIR         # install somewhere else
#   scripts/build-router.sh --print-prefix       # where the router is (or would be) installed, nothing built
#   scripts/build-router.sh --prefix /usr --destdir DIR   # built for /usr, staged under DIR (DIR/usr/sbin/skrouterd)
#   scripts/build-router.sh --staged             # the same, into the cached staging dir (see below)
#
# A staged build is for packaging (packaging/build-router-deb.sh, scripts/build-router-image.sh): skrouterd finds
# its Python modules (and its tools their modules) through paths compiled in from the prefix, so a router that is
# to run from /usr must be built for /usr; it is installed under DESTDIR instead (DESTDIR/<prefix>/...).
# --staged means `--prefix /usr --destdir ~/.cache/skupper-local/skupper-router-3.5.1-usr-staged`
# ($SKUPPER_ROUTER_STAGED overrides that directory). A staged build is cached with its own stamp
# (DESTDIR/.build-stamp) and prints DESTDIR instead of the prefix. The default call is unaffected by it.
#
# Sources come from the vendored archives (checked against the sums pinned below, not against a sums file next to
# them) or, where those are absent, from the upstream repositories at pinned commits (git checks the commit ids).
# The result is cached: a prefix whose stamp matches the pinned sources and build flags is used as it is, so a
# machine builds the router once. Prints the prefix on stdout; the router is <prefix>/sbin/skrouterd.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

ROUTER_VERSION=3.5.1
ROUTER_COMMIT=75deffa8ff94b1f7f01effb9b2009130f232111c
ROUTER_ARCHIVE=skupper-router-3.5.1.tar.gz
ROUTER_SHA256=b63e4de73767aa6b0a63f1f5115ffb7176ca60253e9e392968f73f36370bc7e6
PROTON_COMMIT=e5d5c2badb964684bf41ba509a110bf06a24712a
PROTON_ARCHIVE=qpid-proton-e5d5c2ba.tar.gz
PROTON_SHA256=f69590628f0f9ede62fb34757decfb8c0155ca702d3b2f0f2a39cf226980e4be

PROTON_FLAGS=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TLS=ON -DSSL_IMPL=openssl -DBUILD_STATIC_LIBS=ON
              -DBUILD_BINDINGS= -DBUILD_CPP=OFF -DBUILD_TOOLS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_TESTING=OFF)
# The system Python: the router embeds libpython, and another Python on PATH breaks its tools.
ROUTER_FLAGS=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython_EXECUTABLE=/usr/bin/python3 -DENABLE_WARNING_ERROR=OFF
              -DBUILD_TESTING=OFF -DENABLE_FUZZ_TESTING=OFF -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF -DProton_USE_STATIC_LIBS=ON
              -DVERSION=$ROUTER_VERSION)

VENDOR="${SKUPPER_VENDOR_DIR:-$ROOT/../shared/vendor}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/skupper-local"
PREFIX="${SKUPPER_ROUTER_PREFIX:-$CACHE/skupper-router-$ROUTER_VERSION}"
STAGING=""
print_only=0
usage="usage: $0 [--prefix DIR] [--destdir DIR | --staged] [--vendor DIR] [--print-prefix]"
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; PREFIX="$2"; shift 2 ;;
        --destdir) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; STAGING="$2"; shift 2 ;;
        --staged) PREFIX=/usr; STAGING="${SKUPPER_ROUTER_STAGED:-$CACHE/skupper-router-$ROUTER_VERSION-usr-staged}"; shift ;;
        --vendor) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; VENDOR="$2"; shift 2 ;;
        --print-prefix) print_only=1; shift ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
if [ -n "$STAGING" ]; then
    case "$PREFIX" in /*) ;; *) echo "error: with --destdir the prefix must be absolute (got \"$PREFIX\")" >&2; exit 2 ;; esac
    STAGING=$(realpath -m "$STAGING")
    [ "$STAGING" != / ] || { echo "error: --destdir / would install into the system: use --prefix alone" >&2; exit 2; }
    PREFIX="${PREFIX%/}"
fi
# The tree the caller gets: the prefix itself, or the staging root.
RESULT="${STAGING:-$PREFIX}"
if [ "$print_only" = 1 ]; then echo "$RESULT"; exit 0; fi

# What the cached tree must have been built from and with (a staged one also records the prefix it was built for).
stamp="router $ROUTER_COMMIT $ROUTER_SHA256 proton $PROTON_COMMIT $PROTON_SHA256 ${PROTON_FLAGS[*]} ${ROUTER_FLAGS[*]}"
if [ -n "$STAGING" ]; then stamp="$stamp staged-for-prefix=$PREFIX"; fi
if [ -x "$STAGING$PREFIX/sbin/skrouterd" ] && [ "$(cat "$RESULT/.build-stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$RESULT"
    exit 0
fi

for tool in cmake ninja pkg-config; do
    command -v "$tool" >/dev/null || { echo "error: $tool is missing: run scripts/install-deps.sh (or install-deps.sh --router)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Unpacks a vendored archive after checking its sum, or clones upstream at the pinned commit.
fetch_source() {
    local archive="$1" sum="$2" url="$3" commit="$4" ref="$5" into="$6"
    mkdir -p "$into"
    if [ -f "$VENDOR/$archive" ]; then
        echo "$sum  $VENDOR/$archive" | sha256sum -c --quiet - >&2 || { echo "error: $VENDOR/$archive does not match its pinned sum" >&2; exit 1; }
        tar -xzf "$VENDOR/$archive" -C "$into" --strip-components=1
    else
        echo "== $archive is not in $VENDOR: cloning $url at $commit" >&2
        git -c advice.detachedHead=false clone --quiet --depth 1 --branch "$ref" "$url" "$into" >&2 2>/dev/null ||
            { git clone --quiet "$url" "$into" >&2 && git -C "$into" checkout --quiet "$commit" >&2; }
        [ "$(git -C "$into" rev-parse HEAD)" = "$commit" ] || { echo "error: $url did not give commit $commit" >&2; exit 1; }
    fi
}

fetch_source "$PROTON_ARCHIVE" "$PROTON_SHA256" https://github.com/apache/qpid-proton.git "$PROTON_COMMIT" main "$work/proton"
fetch_source "$ROUTER_ARCHIVE" "$ROUTER_SHA256" https://github.com/skupperproject/skupper-router.git "$ROUTER_COMMIT" "$ROUTER_VERSION" "$work/router"

# skrouterd finds its Python modules by the prefix it was built for, so it is installed in place (or staged under
# STAGING for packaging); the stamp is written last, so a failed or interrupted build is never taken for a finished one.
rm -rf "$RESULT"
echo "== building Qpid Proton ($PROTON_COMMIT)" >&2
cmake -S "$work/proton" -B "$work/proton-build" "${PROTON_FLAGS[@]}" -DCMAKE_INSTALL_PREFIX="$work/proton-prefix" >&2
cmake --build "$work/proton-build" >&2
cmake --install "$work/proton-build" >&2

echo "== building skupper-router $ROUTER_VERSION" >&2
cmake -S "$work/router" -B "$work/router-build" "${ROUTER_FLAGS[@]}" -DProton_DIR="$work/proton-prefix/lib/cmake/Proton" \
      -DCMAKE_INSTALL_PREFIX="$PREFIX" >&2
cmake --build "$work/router-build" >&2
if [ -n "$STAGING" ]; then
    mkdir -p "$STAGING"
    DESTDIR="$STAGING" cmake --install "$work/router-build" >&2
else
    cmake --install "$work/router-build" >&2
fi

version=$("$STAGING$PREFIX/sbin/skrouterd" --version)
[ "$version" = "$ROUTER_VERSION" ] || { echo "error: the built skrouterd says version \"$version\", expected $ROUTER_VERSION" >&2; exit 1; }
echo "$stamp" > "$RESULT/.build-stamp"
echo "$RESULT"
