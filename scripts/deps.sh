#!/usr/bin/env bash
# deps.sh - install the Debian packages the build, tests and benchmarks need,
# only those missing. Quiet when everything is present. Run by `make deps`.
set -euo pipefail

pkgs=(
  libopencv-dev pkg-config            # gocv: core, imgproc, imgcodecs, videoio
  libdeflate-dev                      # capture's PNG reader inflates with it
  libjpeg62-turbo-dev                 # capture's Motion-JPEG frame reader (libjpeg-turbo, as OpenCV's)
  gstreamer1.0-plugins-base           # videotestsrc, appsink for gst: sources and tests
  gstreamer1.0-plugins-good           # jpegenc, avimux in pipeline tests
  zbar-tools zxing-cpp-tools python3  # peers and scoring for make bench
  python3-pip                         # the Python client installs in its test (with setuptools, wheel)
  zint                                # every symbology for the round-trip tests and the robustness suite
  curl                                # the API examples, tested
  mosquitto                           # a real MQTT broker for the MQTT sink tests
  postgresql                          # the LTS store tests run a real PostgreSQL 15
  systemd                             # systemd-analyze verify in packaging tests
  dpkg-dev lintian man-db git         # make deb: dpkg-shlibdeps, its checks, man page checks, versions
  binutils                            # objdump: scanner's test of its compiled vector code
  chromium fonts-dejavu-core          # the LTS console's browser tests (headless)
  bash-completion zsh fish            # the packaged shell completions, run in each shell
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing ${missing[*]}" >&2
# Wait for another apt run (a parallel make) instead of failing on its lock.
lock=(-o DPkg::Lock::Timeout=600)
$sudo apt-get "${lock[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
