#!/usr/bin/env bash
# Builds the Debian package skupper-local_<version>_<arch>.deb from a release build.
#
#   packaging/build-deb.sh [--out DIR] [--bin-dir DIR]
#
# Without --bin-dir it runs `swift build -c release --static-swift-stdlib` for skupperd and skupper in the
# scratch directory $SKUPPER_RELEASE_SCRATCH (default .build-deb; a no-op when nothing changed), so the
# binaries need no Swift runtime on the target. --bin-dir packages binaries built elsewhere (they must not
# need /opt/swift). Prints the path of the .deb on its last line.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/.build-deb/deb"
BIN_DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --bin-dir) BIN_DIR="$2"; shift 2 ;;
        *) echo "usage: $0 [--out DIR] [--bin-dir DIR]" >&2; exit 2 ;;
    esac
done
export PATH="/opt/swift/usr/bin:$PATH"

if [ -z "$BIN_DIR" ]; then
    SCRATCH="${SKUPPER_RELEASE_SCRATCH:-$ROOT/.build-deb}"
    FLAGS=(-c release --static-swift-stdlib --scratch-path "$SCRATCH" --package-path "$ROOT")
    swift build "${FLAGS[@]}" --product skupperd >&2
    swift build "${FLAGS[@]}" --product skupper >&2
    BIN_DIR=$(swift build "${FLAGS[@]}" --show-bin-path)
fi
for b in skupperd skupper; do
    [ -x "$BIN_DIR/$b" ] || { echo "error: $BIN_DIR/$b is not built" >&2; exit 1; }
    # The package ships no Swift runtime: refuse binaries that load one from the toolchain.
    if ldd "$BIN_DIR/$b" | grep -E '/opt/swift|not found' >&2; then
        echo "error: $BIN_DIR/$b needs libraries the package does not provide (build with --static-swift-stdlib)" >&2
        exit 1
    fi
done

UPSTREAM=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' "$ROOT/Sources/SiteFiles/SkupperVersion.swift")
[ -n "$UPSTREAM" ] || { echo "error: cannot read the version from Sources/SiteFiles/SkupperVersion.swift" >&2; exit 1; }
VERSION="${UPSTREAM//-/+}"          # 2.1.0-local.0.1.0 -> 2.1.0+local.0.1.0 (a native Debian version)
ARCH=$(dpkg --print-architecture)
STAGE="$OUT/stage"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/usr/bin" "$STAGE/lib/systemd/system" "$STAGE/usr/lib/systemd/user" \
         "$STAGE/etc/default" "$STAGE/var/lib/skupper" "$STAGE/usr/share/doc/skupper-local"

install -m 0755 "$BIN_DIR/skupperd" "$BIN_DIR/skupper" "$STAGE/usr/bin/"
strip --strip-unneeded "$STAGE/usr/bin/skupperd" "$STAGE/usr/bin/skupper"
install -m 0644 "$ROOT/units/skupperd.service" "$ROOT/units/skupperd@.service" "$STAGE/lib/systemd/system/"
install -m 0644 "$ROOT/units/user/skupperd.service" "$ROOT/units/user/skupperd@.service" "$STAGE/usr/lib/systemd/user/"
install -m 0644 "$ROOT/packaging/skupperd.default" "$STAGE/etc/default/skupperd"
install -m 0644 "$ROOT/README.md" "$STAGE/usr/share/doc/skupper-local/README.md"
install -m 0644 "$ROOT/packaging/copyright" "$STAGE/usr/share/doc/skupper-local/copyright"
install -m 0755 "$ROOT/packaging/postinst" "$ROOT/packaging/postrm" "$STAGE/DEBIAN/"
echo "/etc/default/skupperd" > "$STAGE/DEBIAN/conffiles"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: skupper-local
Version: $VERSION
Architecture: $ARCH
Maintainer: skupper-local developers <skupper-local@localhost>
Installed-Size: $SIZE
Depends: libsystemd0, libssl3, libcurl4, libqpid-proton11, libc6, libstdc++6, libgcc-s1, zlib1g
Recommends: skupper-router (>= 3.5.1)
Section: net
Priority: optional
Homepage: https://skupper.io
Description: Skupper v2 site agent for machines without Kubernetes
 skupperd watches a directory of Skupper resources (Site, Listener, Connector,
 Link, AccessGrant, AccessToken, ...), renders the skupper-router configuration
 and certificates as Skupper v2 does, runs the router (systemd unit, Docker or
 Podman container) and writes each resource's status. skupper is the command
 line. Enable the agent with: systemctl enable --now skupperd
CONTROL

mkdir -p "$OUT"
DEB="$OUT/skupper-local_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz -z1 --build "$STAGE" "$DEB" >&2
echo "$DEB"
