#!/usr/bin/env bash
# The README's test command: builds the tests and runs them one suite after another.
#
#   scripts/test.sh                 # every test
#   scripts/test.sh --filter NAME   # arguments go to `swift test` (the package's release build is then not started)
#
# The Debian package test needs a release build of skupperd and skupper (packaging/build-deb.sh), about ten minutes
# from scratch on 2 cores. Most tests wait on routers, engines and clocks and leave the CPU idle, so a full run starts
# that build beside them at the lowest priority; the package test, near the end, finds it done or waits for it
# (SwiftPM holds a lock on the build directory). SKUPPER_SKIP_DEB_TEST=1 leaves the package test and its build out.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

started=$SECONDS
swift build --build-tests
echo "test.sh: 'swift build --build-tests' took $((SECONDS - started)) s"

release_build=""
stop_release_build() {
    if [ -n "$release_build" ] && kill -0 "$release_build" 2>/dev/null; then
        kill -- "-$release_build" 2>/dev/null || true
        wait "$release_build" 2>/dev/null || true
    fi
}
if [ $# -eq 0 ] && [ -z "${SKUPPER_SKIP_DEB_TEST:-}" ]; then
    mkdir -p .build-deb
    # Its own process group (setsid), so stopping it stops the compilers it started.
    setsid nice -n 19 bash packaging/build-deb.sh --build-only > .build-deb/release-build.log 2>&1 &
    release_build=$!
    trap stop_release_build EXIT
    echo "test.sh: the package's release build runs beside the tests (log: .build-deb/release-build.log)"
fi

started=$SECONDS
swift test --skip-build --no-parallel "$@"
echo "test.sh: 'swift test --no-parallel' took $((SECONDS - started)) s"
