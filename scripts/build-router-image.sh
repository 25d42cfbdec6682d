#!/usr/bin/env bash
# Builds a local skupper-router 3.5.1 container image, shaped like quay.io/skupper/skupper-router:3.5.1 as the
# agent runs it, without a registry or network: a root file system is assembled from skupper-router built for
# /usr (`scripts/build-router.sh --staged`) and this machine's libraries, and imported into the engine.
#
#   scripts/build-router-image.sh [--engine docker|podman] [--tag NAME] [--force] [-- ENGINE_ARGS...]
#
#   --engine   the engine's command line tool (default: docker; $SKUPPER_IMAGE_ENGINE)
#   --tag      the image name (default localhost/skupper-router:3.5.1), usable as the Engine API's `Image` and by
#              podman (podman names imported images localhost/<name> anyway)
#   --force    build and import even if the engine has an image of that name built from the same inputs
#   -- ARGS    global arguments given to every engine call, before its subcommand, e.g.
#                  -- -H unix:///tmp/e1/docker.sock
#                  -- --root /tmp/p/root --runroot /tmp/p/run --storage-driver vfs --cgroup-manager cgroupfs
#              ($SKUPPER_IMAGE_ENGINE_ARGS, split on white space, is used when none are given here)
#
# Prints the image name on stdout; progress goes to stderr. Cached: the image carries the label
# io.skupper-local.image-stamp (and the file /skupper-image-stamp), a digest of this script, the router build's stamp
# and the files taken from this machine; when the engine already has the tag with that stamp nothing is built, so
# tests can call this cheaply.
#
# What the image holds: /usr/sbin/skrouterd, its Python modules (/usr/lib/skupper-router/python), the shared
# libraries it and the Python extension modules load (with the dynamic loader), the system Python 3.11 standard
# library that the embedded interpreter imports (trimmed: no tests, idle, tkinter, ...), busybox as /bin/sh and a
# few other tools, /etc/passwd (root and skrouterd, uid 10000) and /tmp. The tools skstat and skmanage are not in
# it (they would need a Python executable and Qpid Proton's Python binding): run them from the host.
#
# Its ENTRYPOINT, /usr/bin/skupper-router-entrypoint, does what the agent needs with no Cmd: it reads the router
# configuration $QDROUTERD_CONF (default /etc/skupper-router/config/skrouterd.json, the agent's bind mount),
# replaces each ${SSL_PROFILE_BASE_PATH} in it with that variable's value (default /etc/skupper-router, under which
# the agent mounts runtime/certs), writes the result to $SKROUTERD_EXPANDED_CONF (default /tmp/skrouterd.json; the
# mounted file is left alone, as it may be read-only or the host's) and execs `skrouterd -c <that file>`. Arguments
# starting with "-" are passed on to skrouterd; any other arguments are run as a command instead
# (`docker run IMAGE skrouterd --version`).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

ENGINE="${SKUPPER_IMAGE_ENGINE:-docker}"
TAG="localhost/skupper-router:3.5.1"
FORCE=0
read -r -a ENGINE_ARGS <<< "${SKUPPER_IMAGE_ENGINE_ARGS:-}"
usage="usage: $0 [--engine docker|podman] [--tag NAME] [--force] [-- ENGINE_ARGS...]"
while [ $# -gt 0 ]; do
    case "$1" in
        --engine) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; ENGINE="$2"; shift 2 ;;
        --tag) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; TAG="$2"; shift 2 ;;
        --force) FORCE=1; shift ;;
        --) shift; ENGINE_ARGS=("$@"); break ;;
        -h|--help) echo "$usage" >&2; exit 0 ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
case "$(basename "$ENGINE")" in
    docker|podman) ;;
    *) echo "error: --engine must be docker or podman (got \"$ENGINE\")" >&2; exit 2 ;;
esac
command -v "$ENGINE" >/dev/null || { echo "error: $ENGINE is not installed" >&2; exit 1; }
engine() { "$ENGINE" ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} "$@"; }
STAMP_LABEL=io.skupper-local.image-stamp

PY=python3.11
PYLIB=/usr/lib/$PY
[ -x /usr/bin/$PY ] && [ -f $PYLIB/os.py ] || { echo "error: the system Python 3.11 (libpython3.11-stdlib) is missing" >&2; exit 1; }
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 ||
    { echo "error: $BUSYBOX is missing or not static: apt-get install busybox-static" >&2; exit 1; }

STAGED=$("$ROOT/scripts/build-router.sh" --staged)
SKROUTERD="$STAGED/usr/sbin/skrouterd"
[ -x "$SKROUTERD" ] || { echo "error: $SKROUTERD is missing" >&2; exit 1; }
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
SASL_PLUGINS=/usr/lib/$MULTIARCH/sasl2

# The standard library, less what a router never imports.
PY_DROP_DIRS=(test idlelib tkinter turtledemo lib2to3 ensurepip pydoc_data distutils venv sqlite3 curses dbm
              "config-3.11-$MULTIARCH" __phello__ site-packages dist-packages)
PY_DROP_FILES=(turtle.py sitecustomize.py)
py_dynload() {   # the extension modules that are kept
    find "$PYLIB/lib-dynload" -name '*.so' | LC_ALL=C sort |
        grep -Ev '/(_test[a-z_]*|_ctypes_test|_xx[a-z_]*|xxlimited[_0-9]*|_curses[a-z_]*|_dbm|_gdbm|_sqlite3|readline|nis|ossaudiodev|audioop|_tkinter)\.cpython'
}
# The SASL mechanisms a router may offer (EXTERNAL is built into libsasl2; sasldb would bring Berkeley DB).
sasl_plugins() { for p in anonymous plain scram digestmd5 crammd5; do ls "$SASL_PLUGINS"/lib$p.so* 2>/dev/null || true; done; }
# Every shared library (resolved on this machine) that skrouterd, the kept extension modules and the plugins load.
shared_libs() {
    { echo "$SKROUTERD"; py_dynload; sasl_plugins; } | while read -r f; do
        [ -L "$f" ] && continue
        ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
    done | LC_ALL=C sort -u
}
LIBS=$(shared_libs)
if ldd "$SKROUTERD" | grep -q 'not found'; then
    ldd "$SKROUTERD" | grep 'not found' >&2
    echo "error: skrouterd needs libraries this machine lacks: run scripts/install-deps.sh" >&2; exit 1
fi

# The stamp: everything the image is made of.
STAMP=$( {
    sha256sum < "$0"
    cat "$STAGED/.build-stamp"
    sha256sum "$SKROUTERD"
    dpkg-query -W -f '${Package} ${Version}\n' "lib$PY-minimal" "lib$PY-stdlib" busybox-static 2>/dev/null || true
    echo "$LIBS" | xargs sha256sum
    sasl_plugins | xargs -r sha256sum 2>/dev/null || true
} | sha256sum | cut -c1-32)

if [ "$FORCE" = 0 ]; then
    have=$(engine image inspect --format "{{ index .Config.Labels \"$STAMP_LABEL\" }}" "$TAG" 2>/dev/null || true)
    if [ "$have" = "$STAMP" ]; then
        echo "== $TAG is up to date in $ENGINE (stamp $STAMP)" >&2
        echo "$TAG"
        exit 0
    fi
fi

umask 022
work=$(mktemp -d "${TMPDIR:-/tmp}/router-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
R="$work/rootfs"
echo "== assembling the root file system in $R" >&2
# Merged /usr, as Debian 12: /bin, /sbin, /lib and /lib64 point into /usr.
mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/usr/lib/$MULTIARCH" "$R/usr/lib64" "$R/etc" "$R/tmp" "$R/var/tmp" \
         "$R/etc/skupper-router/config" "$R/etc/skupper-router/runtime/certs" "$R/proc" "$R/sys" "$R/dev" "$R/run"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$R/$d"; done
chmod 1777 "$R/tmp" "$R/var/tmp"

# The router and its modules, byte-compiled (as the image's Python will find them, by their /usr paths).
install -m 0755 "$SKROUTERD" "$R/usr/sbin/skrouterd"
strip --strip-unneeded "$R/usr/sbin/skrouterd"
mkdir -p "$R/usr/lib/skupper-router" "$R/usr/share/skupper-router"
cp -R "$STAGED/usr/lib/skupper-router/python" "$R/usr/lib/skupper-router/"
cp -R "$STAGED/usr/share/skupper-router/html" "$R/usr/share/skupper-router/"
find "$R/usr/lib/skupper-router" -name '*.in' -delete

# Shared libraries at the paths ldd resolved them to (under /usr, as /lib is /usr/lib), symlinks resolved.
for lib in $LIBS; do
    dest="$R/usr/${lib#/usr/}"
    mkdir -p "$(dirname "$dest")"
    cp -L "$lib" "$dest"
done
if [ -n "$(sasl_plugins)" ]; then
    mkdir -p "$R$SASL_PLUGINS"
    sasl_plugins | while read -r p; do cp -P "$p" "$R$SASL_PLUGINS/"; done
fi

# The Python standard library.
mkdir -p "$R$PYLIB/lib-dynload"
excludes=()
for d in "${PY_DROP_DIRS[@]}"; do excludes+=(--exclude="./$d"); done
for f in "${PY_DROP_FILES[@]}"; do excludes+=(--exclude="./$f"); done
tar -C "$PYLIB" -c "${excludes[@]}" --exclude='./lib-dynload' --exclude='__pycache__' . | tar -C "$R$PYLIB" -x
py_dynload | while read -r so; do cp "$so" "$R$PYLIB/lib-dynload/"; done
# Byte code for the router's modules and the standard library (saves compiling at every start), by the same Python.
/usr/bin/$PY -m compileall -q -j 1 -s "$R" -p / "$R/usr/lib/skupper-router/python" "$R$PYLIB" >&2 ||
    echo "warning: byte-compiling failed for some files; they will be compiled when imported" >&2

# busybox: the shell and a few tools.
cp "$BUSYBOX" "$R/usr/bin/busybox"
for applet in sh ash cat cp echo env grep head id kill ln ls mkdir mv printf ps rm sed sleep tail test true false \
              uname wc which hostname date du df chmod find; do
    ln -s busybox "$R/usr/bin/$applet"
done

cat > "$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
skrouterd:x:10000:10000:skupper-router:/tmp:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$R/etc/group" <<'EOF'
root:x:0:
skrouterd:x:10000:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$R/etc/nsswitch.conf"
mkdir -p "$R/root"
chmod 0700 "$R/root"

cat > "$R/usr/bin/skupper-router-entrypoint" <<'ENTRYPOINT'
#!/bin/sh
# skupper-router image entry point (skupper-local): expands ${SSL_PROFILE_BASE_PATH} in the mounted router
# configuration into a private copy and runs skrouterd on it. Arguments starting with "-" go to skrouterd; other
# arguments are run as a command instead.
set -e
if [ $# -gt 0 ]; then
    case "$1" in -*) ;; *) exec "$@" ;; esac
fi
conf="${QDROUTERD_CONF:-/etc/skupper-router/config/skrouterd.json}"
base="${SSL_PROFILE_BASE_PATH:-/etc/skupper-router}"
out="${SKROUTERD_EXPANDED_CONF:-/tmp/skrouterd.json}"
if [ ! -f "$conf" ]; then
    echo "skupper-router-entrypoint: no router configuration at $conf" >&2
    exit 1
fi
# The value as a sed replacement: backslash, the delimiter and & escaped.
replacement=$(printf '%s' "$base" | sed -e 's/[\\|&]/\\&/g')
mkdir -p "$(dirname "$out")"
sed -e "s|\${SSL_PROFILE_BASE_PATH}|$replacement|g" "$conf" > "$out.new"
mv -f "$out.new" "$out"
exec /usr/sbin/skrouterd -c "$out" "$@"
ENTRYPOINT
chmod 0755 "$R/usr/bin/skupper-router-entrypoint"
echo "$STAMP" > "$R/skupper-image-stamp"

size=$(du -sh "$R" | cut -f1)
echo "== importing $TAG into $ENGINE (root file system $size)" >&2
changes=(-c 'ENTRYPOINT ["/usr/bin/skupper-router-entrypoint"]'
         -c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin'
         -c 'ENV SSL_PROFILE_BASE_PATH=/etc/skupper-router'
         -c 'ENV QDROUTERD_CONF=/etc/skupper-router/config/skrouterd.json'
         -c 'ENV QDROUTERD_CONF_TYPE=json'
         -c 'WORKDIR /tmp'
         -c "LABEL $STAMP_LABEL=$STAMP"
         -c 'LABEL org.opencontainers.image.title=skupper-router org.opencontainers.image.version=3.5.1')
tar -C "$R" -c --numeric-owner --owner=0 --group=0 . | engine import "${changes[@]}" - "$TAG" >&2
image_size=$(engine image inspect --format '{{ .Size }}' "$TAG" 2>/dev/null || echo "?")
echo "== built $TAG ($image_size bytes, stamp $STAMP)" >&2
echo "$TAG"
