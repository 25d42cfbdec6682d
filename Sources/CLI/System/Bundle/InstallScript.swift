/// The `install.sh` a bundle carries (or is, for `--type shell-script`): it finds the bundle (itself, or the directory
/// it was extracted into), installs the skupper-local package bundled with it where `skupper` is missing, and hands
/// the rest to `skupper system install-bundle`, which checks the whole bundle before it writes anything.
enum InstallScript {
    static func text(site: String, namespace: String, platform: String, manifestDigest: String, packageDigest: String?) -> String {
        """
        #!/bin/sh
        # Installs the Skupper site "\(site)" (namespace \(namespace), platform \(platform)), bundled by skupper-local.
        # Usage: ./install.sh [-n <namespace>] [-p <podman|docker|linux|process>] [--dry-run] [-h]
        set -eu
        MANIFEST_SHA256=\(manifestDigest)
        PACKAGE_SHA256=\(packageDigest ?? "")
        for arg in "$@"; do
            case "$arg" in
                -h | --help) sed -n '2,3p' "$0" | sed 's/^# //'; exit 0 ;;
            esac
        done
        self=$(cd "$(dirname "$0")" && pwd -P)/$(basename "$0")
        if grep -q '^\(BundleArchive.marker)$' "$self"; then bundle=$self; else bundle=$(dirname "$self"); fi
        if ! command -v skupper > /dev/null 2>&1; then
            package=""
            if [ "$bundle" = "$self" ]; then
                scratch=$(mktemp -d /tmp/skupper-bundle.XXXXXX)
                trap 'rm -rf "$scratch"' EXIT
                line=$(awk '/^\(BundleArchive.marker)$/ { print NR + 1; exit 0 }' "$self")
                tail -n +"$line" "$self" | tar -xzf - -C "$scratch" package 2> /dev/null || true
                package=$(ls "$scratch"/package/*.deb 2> /dev/null | head -n 1 || true)
            else
                package=$(ls "$bundle"/package/*.deb 2> /dev/null | head -n 1 || true)
            fi
            if [ -z "$package" ] || [ -z "$PACKAGE_SHA256" ]; then
                echo "install.sh: the skupper command is not installed: install the skupper-local package first" >&2
                exit 1
            fi
            # Checked before anything is installed: the package this bundle was made with, or nothing.
            if ! echo "$PACKAGE_SHA256  $package" | sha256sum -c --status; then
                echo "install.sh: the package in the bundle is not the one it was made with: nothing was installed" >&2
                exit 1
            fi
            for arg in "$@"; do
                if [ "$arg" = --dry-run ]; then
                    echo "Would install the skupper-local package bundled here ($(basename "$package")), then the site"
                    exit 0
                fi
            done
            echo "Installing the skupper-local package bundled here: $(basename "$package")"
            if command -v apt-get > /dev/null 2>&1; then apt-get install -y "$package"; else dpkg -i "$package"; fi
        fi
        skupper system install-bundle "$bundle" --expect-manifest "$MANIFEST_SHA256" "$@"
        """
    }
}
