#!/usr/bin/env bash
# Installs what building and testing skupper-local needs on Debian 12 (run as root, or with sudo available).
#   scripts/install-deps.sh            everything: the build, the router's build, and what the tests run (Docker's
#                                      engine, Podman, debootstrap, lintian, ...), as CI does
#   scripts/install-deps.sh --build    only what building skupper, skupperd and skupper-router and running them needs
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
BUILD_ONLY=""
if [ "${1:-}" = "--build" ]; then BUILD_ONLY=1; fi
$SUDO apt-get update -qq
# The agent and the command line: libsystemd (sd_notify, the journal), liblz4, libyaml, OpenSSL, libcurl, Qpid Proton's
# C library (the agent's AMQP client).
$SUDO apt-get install -y -qq --no-install-recommends \
    pkg-config libsystemd-dev liblz4-dev libyaml-dev libssl-dev libcurl4-openssl-dev libqpid-proton11-dev openssl >/dev/null
# What scripts/build-router.sh needs to build skupper-router and Qpid Proton from source (Debian has no
# skupper-router package), and what skrouterd loads at run time.
$SUDO apt-get install -y -qq --no-install-recommends \
    cmake ninja-build git libsasl2-dev libwebsockets-dev libnghttp2-dev libunwind-dev libjsoncpp-dev swig uuid-dev \
    python3-dev sasl2-bin libsasl2-modules python3-qpid-proton >/dev/null
if [ -z "$BUILD_ONLY" ]; then
    # The tests: systemd and inotify tools, Docker's engine, the Debian package's tools, the systemd container's root.
    $SUDO apt-get install -y -qq --no-install-recommends \
        systemd inotify-tools docker.io busybox-static dpkg-dev debootstrap lintian curl >/dev/null
    # What packaging/build-router-deb.sh (dpkg-shlibdeps, strip) and scripts/build-router-image.sh (the system Python 3.11
    # standard library and busybox-static, copied into the image) use besides the above.
    $SUDO apt-get install -y -qq --no-install-recommends dpkg-dev binutils libpython3.11-stdlib busybox-static >/dev/null
    # Podman with its recommended runtime pieces (netavark, conmon, uidmap), as the podman platform tests use it.
    $SUDO apt-get install -y -qq podman >/dev/null
    # The network console's page tests: Debian's headless Chromium, its WebDriver and selenium (scripts/browser-driver.py).
    $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver python3-selenium >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        echo "note: Swift is at /opt/swift/usr/bin; add it to PATH: export PATH=/opt/swift/usr/bin:\$PATH" >&2
    else
        echo "note: Swift 6 is not installed: get the Debian 12 toolchain from swift.org (see README, \"Try it\")" >&2
    fi
fi
