#!/usr/bin/env bash
# Builds the Debian package skupper-router_3.5.1-1_<arch>.deb (for Debian 12) from skupper-router built for /usr.
#
#   packaging/build-router-deb.sh [OUT_DIR]          # default OUT_DIR: .build-deb/
#   packaging/build-router-deb.sh --out OUT_DIR [--staged DIR]
#
# The router comes from `scripts/build-router.sh --staged` (built for the prefix /usr, staged under
# ~/.cache/skupper-local/skupper-router-3.5.1-usr-staged and cached there, so this is cheap after the first time);
# --staged DIR takes an already staged tree instead (DIR/usr/sbin/skrouterd). The package holds skrouterd, its
# Python modules (/usr/lib/skupper-router/python, a path compiled into skrouterd), the tools skstat and skmanage,
# the default configuration (conffiles) and the docs. Its Depends come from dpkg-shlibdeps (from a written-out list
# where dpkg-dev is missing); the tools need python3-qpid-proton, which is a Recommends, as the router itself runs
# without it. Prints the path of the .deb on its last line; progress goes to stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/.build-deb"
STAGED=""
usage="usage: $0 [OUT_DIR | --out OUT_DIR] [--staged DIR]"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; OUT="$2"; shift 2 ;;
        --staged) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; STAGED="$2"; shift 2 ;;
        -h|--help) echo "$usage" >&2; exit 0 ;;
        -*) echo "$usage" >&2; exit 2 ;;
        *) OUT="$1"; shift ;;
    esac
done

PACKAGE=skupper-router
UPSTREAM_VERSION=3.5.1
VERSION="$UPSTREAM_VERSION-1"
ARCH=$(dpkg --print-architecture)
MAINTAINER="skupper-local developers <skupper-local@localhost>"
# The date of the package's changelog entry (and the mtime of what dpkg-deb packs), fixed for reproducible builds.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1763856000}"   # 2025-11-23

if [ -z "$STAGED" ]; then STAGED=$("$ROOT/scripts/build-router.sh" --staged); fi
[ -x "$STAGED/usr/sbin/skrouterd" ] || { echo "error: $STAGED/usr/sbin/skrouterd is missing (not a tree staged for /usr)" >&2; exit 1; }
version=$("$STAGED/usr/sbin/skrouterd" --version)
[ "$version" = "$UPSTREAM_VERSION" ] || { echo "error: $STAGED/usr/sbin/skrouterd is version $version, not $UPSTREAM_VERSION" >&2; exit 1; }
# A router built for another prefix would look for its modules elsewhere: check the path compiled into it.
grep -q -a -F /usr/lib/skupper-router/python "$STAGED/usr/sbin/skrouterd" ||
    { echo "error: $STAGED/usr/sbin/skrouterd was not built for the prefix /usr" >&2; exit 1; }

umask 022
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
PKG="$work/$PACKAGE"
DOC="$PKG/usr/share/doc/$PACKAGE"
mkdir -p "$PKG/DEBIAN" "$PKG/usr/sbin" "$PKG/usr/bin" "$PKG/usr/lib/skupper-router" "$PKG/usr/share/skupper-router" \
         "$PKG/etc/skupper-router" "$PKG/etc/sasl2" "$DOC"

echo "== staging $PACKAGE $VERSION from $STAGED" >&2
install -m 0755 "$STAGED/usr/sbin/skrouterd" "$PKG/usr/sbin/skrouterd"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$PKG/usr/sbin/skrouterd"
# The tools: Debian wants the interpreter named directly, not through env.
for tool in skstat skmanage; do
    sed '1s|^#!.*python3.*$|#!/usr/bin/python3|' "$STAGED/usr/bin/$tool" > "$PKG/usr/bin/$tool"
    chmod 0755 "$PKG/usr/bin/$tool"
done
# The Python modules, without build leftovers (the .in template, byte code).
cp -R "$STAGED/usr/lib/skupper-router/python" "$PKG/usr/lib/skupper-router/"
find "$PKG/usr/lib/skupper-router" \( -name '*.in' -o -name '*.pyc' \) -delete
find "$PKG/usr/lib/skupper-router" -name __pycache__ -type d -prune -exec rm -rf {} +
cp -R "$STAGED/usr/share/skupper-router/html" "$PKG/usr/share/skupper-router/"
install -m 0644 "$STAGED/etc/skupper-router/skrouterd.conf" "$PKG/etc/skupper-router/skrouterd.conf"
install -m 0644 "$STAGED/etc/sasl2/skrouterd.conf" "$PKG/etc/sasl2/skrouterd.conf"
# Docs: upstream's LICENSE is the Apache-2.0 text that common-licenses has; copyright says so instead.
for f in README.adoc skrouter.json skrouter.json.readme.txt; do
    install -m 0644 "$STAGED/usr/share/doc/skupper-router/$f" "$DOC/$f"
done
install -m 0644 "$ROOT/packaging/skupper-router.copyright" "$DOC/copyright"
cat > "$work/changelog" <<CHANGELOG
$PACKAGE ($VERSION) bookworm; urgency=medium

  * skupper-router $UPSTREAM_VERSION with Qpid Proton e5d5c2ba (static), built for Debian 12
    by skupper-local's packaging/build-router-deb.sh.

 -- $MAINTAINER  $(date -u -R -d "@$SOURCE_DATE_EPOCH")
CHANGELOG
gzip -9n < "$work/changelog" > "$DOC/changelog.Debian.gz"
chmod 0644 "$DOC/changelog.Debian.gz"

# Short manual pages (upstream builds none without asciidoc): what each program is, its main options, where the rest is.
man_page() {   # man_page NAME SECTION SUMMARY SYNOPSIS BODY
    local name="$1" section="$2" dir="$PKG/usr/share/man/man$2"
    mkdir -p "$dir"
    {
        printf '.TH %s %s "%s" "skupper-router %s" "skupper-router"\n' "${name^^}" "$section" \
            "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)" "$UPSTREAM_VERSION"
        printf '.SH NAME\n%s \\- %s\n.SH SYNOPSIS\n.B %s\n%s\n.SH DESCRIPTION\n%s\n' "$name" "$3" "$name" "$4" "$5"
        printf '.SH SEE ALSO\n.BR skrouterd (8),\n.BR skstat (1),\n.BR skmanage (1);\n'
        printf 'the management schema in /usr/share/doc/skupper-router/skrouter.json and %s\n' \
               'https://github.com/skupperproject/skupper-router'
    } | gzip -9n > "$dir/$name.$section.gz"
}
man_page skrouterd 8 "the Skupper router daemon" "[\\fIOPTIONS\\fR]" \
'skrouterd is the AMQP router of a Skupper v2 site. It reads its configuration (the JSON form that Skupper
renders, or the older sectioned form) and runs until it is stopped.
.TP
.BI \-c " PATH" "\fR, \fP" \-\-config= PATH
Load the configuration from PATH (default /etc/skupper-router/skrouterd.conf).
.TP
.BI \-I " PATH" "\fR, \fP" \-\-include= PATH
Where the router'"'"'s Python modules are (default /usr/lib/skupper-router/python).
.TP
.BR \-v ", " \-\-version
Print the version and exit.
.TP
.BR \-h ", " \-\-help
List all options.'
man_page skstat 1 "show the state of a running Skupper router" "[\\fIOPTIONS\\fR]" \
'skstat connects to a router (\fB\-\-bus\fR \fIURL\fR, with \fB\-\-ssl\-certificate\fR, \fB\-\-ssl\-key\fR and
\fB\-\-ssl\-trustfile\fR for a TLS listener) and prints its general state (\fB\-g\fR), connections (\fB\-c\fR),
links (\fB\-l\fR), routers (\fB\-n\fR) or addresses (\fB\-a\fR). It needs python3\-qpid\-proton.
Run \fBskstat \-\-help\fR for all options.'
man_page skmanage 1 "query and change a running Skupper router" "[\\fIOPTIONS\\fR] \\fIOPERATION\\fR [\\fIATTRIBUTES\\fR]" \
'skmanage sends management operations (query, create, read, update, delete, ...) on the router'"'"'s
entities (listener, connector, sslProfile, tcpListener, tcpConnector, ...) to a router, connecting as
\fBskstat\fR(1) does. It needs python3\-qpid\-proton. Run \fBskmanage \-\-help\fR for all options.'
find "$PKG" -type d -exec chmod 0755 {} +
find "$PKG" -type f ! -perm -u+x -exec chmod 0644 {} +

# Depends: what the ELF files need, by dpkg-shlibdeps (run in a scratch debian/ layout), else the list for bookworm.
shlibs=""
if command -v dpkg-shlibdeps >/dev/null; then
    mkdir -p "$work/src/debian"
    printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$PACKAGE" "$PACKAGE" > "$work/src/debian/control"
    shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -e"$PKG/usr/sbin/skrouterd" 2>"$work/shlibdeps.err" | sed -n 's/^shlibs:Depends=//p') ||
        shlibs=""
    [ -n "$shlibs" ] || { cat "$work/shlibdeps.err" >&2; echo "warning: dpkg-shlibdeps failed: using the written-out Depends" >&2; }
fi
if [ -z "$shlibs" ]; then
    shlibs="libc6 (>= 2.34), libpython3.11 (>= 3.11.0), libwebsockets17 (>= 4.1.6), libnghttp2-14 (>= 1.50.0), libsasl2-2 (>= 2.1.28), libssl3 (>= 3.0.0), libunwind8"
fi
# The tools are Python 3 scripts; libpython3.11 brings the standard library the embedded interpreter loads.
DEPENDS="$shlibs, python3"

( cd "$PKG" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum ) \
    > "$PKG/DEBIAN/md5sums"
printf '/etc/sasl2/skrouterd.conf\n/etc/skupper-router/skrouterd.conf\n' > "$PKG/DEBIAN/conffiles"
# Python writes byte code next to the modules when skrouterd or the tools run as root: remove it with the package.
cat > "$PKG/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ "$1" = remove ] || [ "$1" = upgrade ] || [ "$1" = deconfigure ]; then
    find /usr/lib/skupper-router -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
fi
exit 0
PRERM
chmod 0755 "$PKG/DEBIAN/prerm"
SIZE=$(du -sk --apparent-size --exclude=DEBIAN "$PKG" | cut -f1)
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: $PACKAGE
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $SIZE
Depends: $DEPENDS
Recommends: python3-qpid-proton
Section: net
Priority: optional
Homepage: https://skupper.io
Description: Skupper router: the AMQP router of Skupper v2 networks
 skrouterd is the router that Skupper v2 runs at every site: it links sites
 over mutual TLS, carries TCP (and HTTP) traffic between listeners and
 connectors across the network, and is managed over AMQP. This is release
 $UPSTREAM_VERSION, the version Skupper 2.2 pins, built with Qpid Proton
 linked statically.
 .
 The tools skstat and skmanage query and manage a running router; they need
 python3-qpid-proton.
CONTROL

mkdir -p "$OUT"
DEB="$(cd "$OUT" && pwd)/${PACKAGE}_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$PKG" "$DEB" >&2
echo "$DEB"
