#!/usr/bin/env bash
# deps-cross.sh ARCH - what building the packages for another architecture
# (make deb ARCH=arm64, make test-arm64) needs on this machine:
#
#  - the cross compilers and qemu-user-static, installed with apt when
#    missing (for this machine's architecture; nothing is removed: apt's
#    plan is checked first);
#  - Debian's OpenCV and libdeflate for ARCH, in a sysroot: Debian's ARCH
#    packages of the four OpenCV modules gocv's capture needs, of libdeflate
#    (capture's PNG reader), of libjpeg-turbo (its Motion-JPEG frame reader)
#    and of everything they depend on,
#    downloaded with apt (private state, the machine's sources) and unpacked
#    into $SCANNERD_SYSROOT (default ~/.cache/scannerd/sysroot-ARCH): root/
#    holds them all, for the compiler and qemu; pkgs/NAME/ the control files
#    and shared libraries of each, for dpkg-shlibdeps.
#
# Why not multiarch (dpkg --add-architecture ARCH, apt-get install
# libopencv-dev:ARCH)? On Debian 12 libopencv-dev and libgdal32 (which
# libopencv-imgcodecs406 needs) are not Multi-Arch: same, so apt's plan for
# them removes the machine's own libopencv-dev and OpenCV libraries.
set -euo pipefail

arch=${1:?usage: scripts/deps-cross.sh arm64}
case "$arch" in
arm64) triplet=aarch64-linux-gnu qemu=qemu-aarch64-static ;;
*) echo "deps-cross: no cross build for $arch" >&2; exit 2 ;;
esac
sysroot=${SCANNERD_SYSROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/scannerd/sysroot-$arch}
libs=(libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev libdeflate-dev libjpeg62-turbo-dev)

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
lock=(-o DPkg::Lock::Timeout=600)

# 1. Host tools.
host=(gcc-$triplet g++-$triplet binutils-$triplet qemu-user-static)
missing=()
for p in "${host[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps-cross: installing ${missing[*]}" >&2
  $sudo apt-get "${lock[@]}" update -qq
  plan=$($sudo apt-get "${lock[@]}" -s install --no-install-recommends "${missing[@]}")
  if grep -q '^Remv' <<<"$plan"; then
    echo "deps-cross: apt would remove packages to install ${missing[*]}; not going on:" >&2
    grep '^Remv' <<<"$plan" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v "$qemu" >/dev/null

# 2. The sysroot, made once (delete it to make it again).
stamp="$sysroot/.complete"
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "${libs[*]}" ] && exit 0
echo "deps-cross: making the $arch sysroot in $sysroot" >&2
work=$(mktemp -d "${TMPDIR:-/tmp}/scannerd-sysroot.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/state/lists/partial" "$work/cache/archives/partial"
: >"$work/status"
apt=(apt-get -q -o Dir::State="$work/state" -o Dir::State::status="$work/status"
  -o Dir::Cache="$work/cache" -o APT::Architecture="$arch" -o APT::Architectures::="$arch"
  -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
"${apt[@]}" update >/dev/null
"${apt[@]}" install -y --download-only --no-install-recommends "${libs[@]}" >/dev/null
rm -rf "$sysroot"
mkdir -p "$sysroot/root" "$sysroot/pkgs"
for deb in "$work/cache/archives/"*.deb; do
  name=$(dpkg-deb -f "$deb" Package)
  dpkg-deb -x "$deb" "$sysroot/root"
  # dpkg-shlibdeps needs a package's control files beside its libraries.
  mkdir -p "$sysroot/pkgs/$name"
  dpkg-deb -e "$deb" "$sysroot/pkgs/$name/DEBIAN"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$sysroot/pkgs/$name" --wildcards '*.so*' 2>/dev/null || true
done
echo "${libs[*]}" >"$stamp"
echo "deps-cross: $(ls "$sysroot/pkgs" | wc -l) packages in $sysroot" >&2
