#!/usr/bin/env bash
# Builds the Debian package skupper-local_<version>_<arch>.deb from a release build.
#
#   packaging/build-deb.sh [--out DIR] [--bin-dir DIR] [--build-only]
#
# Without --bin-dir it runs `swift build $(cat packaging/release-build-flags)` (a release build with the Swift
# runtime linked in, so the binaries need no Swift runtime on the target, and every function in a section of its own,
# so the link lays out the agent's hot ones together: see Package.swift) for skupperd and skupper in the scratch
# directory $SKUPPER_RELEASE_SCRATCH (default .build-deb; a no-op when nothing changed). --bin-dir packages binaries built elsewhere (they must not
# need /opt/swift). --build-only stops after the builds (scripts/test.sh starts them early, beside the other tests).
# Prints the path of the .deb on its last line.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/.build-deb/deb"
BIN_DIR=""
BUILD_ONLY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --bin-dir) BIN_DIR="$2"; shift 2 ;;
        --build-only) BUILD_ONLY=1; shift ;;
        *) echo "usage: $0 [--out DIR] [--bin-dir DIR] [--build-only]" >&2; exit 2 ;;
    esac
done
export PATH="/opt/swift/usr/bin:$PATH"

if [ -z "$BIN_DIR" ]; then
    SCRATCH="${SKUPPER_RELEASE_SCRATCH:-$ROOT/.build-deb}"
    read -r -a FLAGS < "$ROOT/packaging/release-build-flags"
    FLAGS+=(--scratch-path "$SCRATCH" --package-path "$ROOT")
    swift build "${FLAGS[@]}" --product skupperd >&2
    swift build "${FLAGS[@]}" --product skupper >&2
    BIN_DIR=$(swift build "${FLAGS[@]}" --show-bin-path)
fi
# The man page tool, a debug build (it runs twice, on two small inputs: optimising it costs more than it saves).
TOOLS="${SKUPPER_TOOLS_SCRATCH:-$ROOT/.build-deb-tools}"
PARSER=$(ls -d "${SCRATCH:-$ROOT/.build-deb}/checkouts/swift-argument-parser" "$ROOT/.build/checkouts/swift-argument-parser" 2>/dev/null | head -n 1)
[ -n "$PARSER" ] || { echo "error: no swift-argument-parser checkout to build generate-manual from (build the package first)" >&2; exit 1; }
swift build --package-path "$PARSER" --scratch-path "$TOOLS" --product generate-manual >&2
GENERATE_MANUAL="$TOOLS/debug/generate-manual"
[ -z "$BUILD_ONLY" ] || { echo "$BIN_DIR"; exit 0; }

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
CHANGELOG_VERSION=$(dpkg-parsechangelog -l "$ROOT/packaging/changelog" -S Version)
[ "$CHANGELOG_VERSION" = "$VERSION" ] || { echo "error: packaging/changelog's newest entry is $CHANGELOG_VERSION, the version is $VERSION" >&2; exit 1; }
# Reproducible dates (man pages, gzip): the changelog's.
export SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$ROOT/packaging/changelog" -S Timestamp)
ARCH=$(dpkg --print-architecture)
STAGE="$OUT/stage"
DOC="$STAGE/usr/share/doc/skupper-local"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/usr/bin" "$STAGE/lib/systemd/system" "$STAGE/usr/lib/systemd/user" \
         "$STAGE/etc/default" "$DOC/examples" "$STAGE/usr/share/man/man1" "$STAGE/usr/lib/sysusers.d" \
         "$STAGE/usr/share/bash-completion/completions" "$STAGE/usr/share/zsh/vendor-completions" \
         "$STAGE/usr/share/fish/vendor_completions.d" "$STAGE/usr/share/lintian/overrides"

install -m 0755 "$BIN_DIR/skupperd" "$BIN_DIR/skupper" "$STAGE/usr/bin/"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$STAGE/usr/bin/skupperd" "$STAGE/usr/bin/skupper"
install -m 0644 "$ROOT/units/skupperd.service" "$ROOT/units/skupperd@.service" "$STAGE/lib/systemd/system/"
install -m 0644 "$ROOT/units/user/skupperd.service" "$ROOT/units/user/skupperd@.service" "$STAGE/usr/lib/systemd/user/"
install -m 0644 "$ROOT/packaging/skupperd.default" "$STAGE/etc/default/skupperd"
install -m 0644 "$ROOT/packaging/sysusers.conf" "$STAGE/usr/lib/sysusers.d/skupper-local.conf"
install -m 0644 "$ROOT/README.md" "$ROOT/packaging/copyright" "$DOC/"
install -m 0644 "$ROOT/packaging/examples/skupperd-unprivileged.conf" "$DOC/examples/"
gzip -9n "$DOC/README.md"
gzip -9nc "$ROOT/packaging/changelog" > "$DOC/changelog.gz"
install -m 0644 "$ROOT/packaging/lintian-overrides" "$STAGE/usr/share/lintian/overrides/skupper-local"

# Man pages from the commands' own argument parsers (swift-argument-parser's generate-manual), and completions.
MANUAL_DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
for b in skupperd skupper; do
    "$GENERATE_MANUAL" "$STAGE/usr/bin/$b" --date "$MANUAL_DATE" --section 1 \
        --authors "skupper-local developers" --output-directory "$STAGE/usr/share/man/man1" >&2
    # mdoc has no empty lines (groff warns on each).
    sed -i '/^[[:space:]]*$/d' "$STAGE/usr/share/man/man1/$b.1"
    gzip -9n "$STAGE/usr/share/man/man1/$b.1"
done
# bash-completion sources the file: no interpreter line.
"$STAGE/usr/bin/skupper" --generate-completion-script bash | sed '1{/^#!/d}' > "$STAGE/usr/share/bash-completion/completions/skupper"
"$STAGE/usr/bin/skupper" --generate-completion-script zsh > "$STAGE/usr/share/zsh/vendor-completions/_skupper"
"$STAGE/usr/bin/skupper" --generate-completion-script fish > "$STAGE/usr/share/fish/vendor_completions.d/skupper.fish"

install -m 0755 "$ROOT/packaging/postinst" "$ROOT/packaging/prerm" "$ROOT/packaging/postrm" "$STAGE/DEBIAN/"
echo "/etc/default/skupperd" > "$STAGE/DEBIAN/conffiles"

# Depends: what the binaries link, as dpkg-shlibdeps finds it (a debian/control is all it asks for).
SHLIBS=$(mktemp -d)
trap 'rm -rf "$SHLIBS"' EXIT
mkdir -p "$SHLIBS/debian"
printf 'Source: skupper-local\n\nPackage: skupper-local\nArchitecture: any\n' > "$SHLIBS/debian/control"
DEPENDS=$(cd "$SHLIBS" && dpkg-shlibdeps -O "$STAGE/usr/bin/skupperd" "$STAGE/usr/bin/skupper" | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "error: dpkg-shlibdeps found no dependency" >&2; exit 1; }

(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum > DEBIAN/md5sums)
find "$STAGE" -newermt "@$SOURCE_DATE_EPOCH" -exec touch --no-dereference -d "@$SOURCE_DATE_EPOCH" {} +
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: skupper-local
Version: $VERSION
Architecture: $ARCH
Maintainer: skupper-local developers <skupper-local@localhost>
Installed-Size: $SIZE
Depends: $DEPENDS, systemd
Recommends: skupper-router (>= 3.5.1)
Suggests: docker.io | podman
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
# Debian's own checks: no error and no warning (each override in packaging/lintian-overrides says why).
if command -v lintian >/dev/null 2>&1; then
    lintian --fail-on error,warning "$DEB" >&2
else
    echo "warning: lintian is not installed; the package is not checked" >&2
fi
echo "$DEB"
