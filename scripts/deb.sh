#!/usr/bin/env bash
# deb.sh - build the Debian packages (make deb).
#
# Usage: scripts/deb.sh [OUTDIR]   (default dist/)
#
# Two packages, because they run on different machines: scannerd (the
# daemon and scanctl, for scanner devices; depends on the OpenCV runtime
# libraries) and ltsd (the License Tracking Server, for a server; pure Go,
# no OpenCV). Depends: come from dpkg-shlibdeps on the built binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$(realpath -m "${1:-dist}")
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo 0)}
# Debian versions must start with a digit.
case "$version" in [0-9]*) ;; *) version="0~git.${version}" ;; esac
debversion="${version//-/.}-1"
arch=$(dpkg --print-architecture)
tags=gocv_specific_modules,gocv_videoio
work=$(mktemp -d "${TMPDIR:-/tmp}/scannerd-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

ldflags="-s -w -X main.version=${version} -extldflags=-Wl,--as-needed"
# PIE, dynamically linked against libc: the hardening Debian expects.

# stage NAME: prepares $work/NAME with DEBIAN/ and the doc directory.
stage() {
  local pkg=$1 dir="$work/$1"
  install -d "$dir/DEBIAN" "$dir/usr/share/doc/$pkg"
  install -m 0644 packaging/debian/copyright "$dir/usr/share/doc/$pkg/copyright"
  printf '%s (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- scannerd maintainers <maintainers@scannerd.invalid>  %s\n' \
    "$pkg" "$debversion" "$version" "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" |
    gzip -9n >"$dir/usr/share/doc/$pkg/changelog.Debian.gz"
  chmod 0644 "$dir/usr/share/doc/$pkg/changelog.Debian.gz"
}

# depends BINARY...: the shlibs:Depends dpkg-shlibdeps computes.
depends() {
  local d="$work/shlibs"
  mkdir -p "$d/debian"
  printf 'Source: scannerd\n\nPackage: scannerd\nArchitecture: any\n' >"$d/debian/control"
  (cd "$d" && dpkg-shlibdeps -O -e "$@" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
}

# finish NAME: md5sums, sizes, control, build.
finish() {
  local pkg=$1 deps=$2 desc=$3 dir="$work/$1"
  (cd "$dir" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
  chmod 0644 "$dir/DEBIAN/md5sums"
  local size
  size=$(du -sk --exclude=DEBIAN "$dir" | cut -f1)
  {
    echo "Package: $pkg"
    echo "Version: $debversion"
    echo "Architecture: $arch"
    echo "Maintainer: scannerd maintainers <maintainers@scannerd.invalid>"
    echo "Installed-Size: $size"
    echo "Depends: $deps"
    echo "Section: misc"
    echo "Priority: optional"
    echo "Homepage: https://github.com/scannerd/scannerd"
    printf '%s\n' "$desc"
  } >"$dir/DEBIAN/control"
  dpkg-deb --root-owner-group -Zxz --build "$dir" "$out/${pkg}_${debversion}_${arch}.deb" >/dev/null
  echo "$out/${pkg}_${debversion}_${arch}.deb"
}

# scannerd: the daemon and its client.
stage scannerd
d="$work/scannerd"
install -d "$d/usr/bin" "$d/lib/systemd/system" "$d/usr/lib/sysusers.d" "$d/usr/lib/tmpfiles.d" "$d/etc/scannerd"
go build -tags "$tags" -trimpath -buildmode=pie -ldflags "$ldflags" -o "$d/usr/bin/" ./cmd/scannerd ./cmd/scanctl
install -m 0644 packaging/systemd/scannerd.service packaging/systemd/scannerd.socket "$d/lib/systemd/system/"
install -m 0644 packaging/systemd/scannerd.sysusers "$d/usr/lib/sysusers.d/scannerd.conf"
install -m 0644 packaging/systemd/scannerd.tmpfiles "$d/usr/lib/tmpfiles.d/scannerd.conf"
install -m 0644 packaging/scannerd.toml "$d/etc/scannerd/scannerd.toml"
install -m 0644 README.md "$d/usr/share/doc/scannerd/README.md"
for s in postinst prerm postrm; do install -m 0755 "packaging/debian/scannerd.$s" "$d/DEBIAN/$s"; done
echo /etc/scannerd/scannerd.toml >"$d/DEBIAN/conffiles"
finish scannerd "$(depends "$d/usr/bin/scannerd" "$d/usr/bin/scanctl"), adduser" \
"Description: barcode scanning daemon with built-in licensing
 scannerd reads frames from cameras, video files, GStreamer pipelines and
 image directories, decodes the barcodes in them, purges every image once
 decoded, and serves the results to local applications over a Unix socket.
 It meters barcode types and counts (never their content) for its license
 and syncs them to a License Tracking Server."

# ltsd: the License Tracking Server.
if [ -d cmd/ltsd ]; then
  stage ltsd
  d="$work/ltsd"
  install -d "$d/usr/bin" "$d/lib/systemd/system" "$d/usr/lib/sysusers.d"
  go build -tags nocv -trimpath -buildmode=pie -ldflags "$ldflags" -o "$d/usr/bin/ltsd" ./cmd/ltsd
  install -m 0644 packaging/systemd/ltsd.service "$d/lib/systemd/system/"
  install -m 0644 packaging/systemd/ltsd.sysusers "$d/usr/lib/sysusers.d/ltsd.conf"
  # ltsd init writes the working configuration into /var/lib/ltsd; the
  # documented reference of every key goes with the docs.
  install -m 0644 packaging/ltsd.toml "$d/usr/share/doc/ltsd/ltsd.toml"
  [ -f docs/licensing.md ] && install -m 0644 docs/licensing.md "$d/usr/share/doc/ltsd/licensing.md"
  for s in postinst prerm postrm; do install -m 0755 "packaging/debian/ltsd.$s" "$d/DEBIAN/$s"; done
  finish ltsd "$(depends "$d/usr/bin/ltsd"), adduser" \
"Description: License Tracking Server for scannerd devices
 ltsd authorizes scannerd devices against imported licenses and handshake
 codes, and receives their usage reports (barcode types and counts only)."
fi
