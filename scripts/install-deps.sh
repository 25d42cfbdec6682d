#!/usr/bin/env bash
# Installs what building and testing skupper-local needs on Debian 12 (run as root, or with sudo available).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    pkg-config libsystemd-dev liblz4-dev libyaml-dev libssl-dev libcurl4-openssl-dev \
    openssl systemd inotify-tools \
    docker.io busybox-static dpkg-dev debootstrap lintian >/dev/null
# What scripts/build-router.sh needs to build skupper-router and Qpid Proton from source (Debian has no
# skupper-router package), what skrouterd loads at run time, and Proton's C library for the agent's AMQP client.
$SUDO apt-get install -y -qq --no-install-recommends \
    cmake ninja-build git libsasl2-dev libwebsockets-dev libnghttp2-dev libunwind-dev libjsoncpp-dev swig uuid-dev \
    python3-dev sasl2-bin libsasl2-modules python3-qpid-proton libqpid-proton11-dev >/dev/null
# What packaging/build-router-deb.sh (dpkg-shlibdeps, strip) and scripts/build-router-image.sh (the system Python 3.11
# standard library and busybox-static, copied into the image) use besides the above.
$SUDO apt-get install -y -qq --no-install-recommends dpkg-dev binutils libpython3.11-stdlib busybox-static >/dev/null
# Podman with its recommended runtime pieces (netavark, conmon, uidmap), as the podman platform tests use it.
$SUDO apt-get install -y -qq podman >/dev/null
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    echo "note: Swift is at /opt/swift/usr/bin; add it to PATH" >&2
fi
