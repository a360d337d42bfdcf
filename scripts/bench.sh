#!/usr/bin/env bash
# bench.sh - the figures behind scannerd's performance claims (make bench).
#
#  1. Decode rate per symbology family, and CPU milliseconds per image, on
#     the shared blackbox set (../shared/testdata/blackbox), for `scanctl
#     decode --try-harder -j 1` beside zbarimg and ZXingReader measured in
#     the same run; then where scannerd's CPU time goes, per pass and per
#     stage (image load, binarize, proposals, 1D rows, each 2D reader),
#     from the pprof labels of the same run.
#  2. The synthetic robustness suite's curves (internal/robust): every
#     symbology distorted one axis at a time, the share read at each
#     level by scannerd and by ZXingReader (ROBUST_SAMPLES per level).
#  3. The Go benchmarks (image loading, decoder, engine, pipeline, API,
#     licensing), and
#     DotCode's sweeps of generated symbols, and the CPU per blackbox
#     image with every symbology on against the default ones
#     (COST_ROUNDS rounds, 2 by default).
#
# BENCH_PATTERN runs those Go benchmarks instead of the usual set (with
# BENCH_TIME as -benchtime). Needs bin/ built (make bench does it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=${SCANNERD_SHARED:-$root/../shared}
out=$(mktemp -d "${TMPDIR:-/tmp}/scannerd-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT

if [ -f "$shared/testdata/blackbox/manifest.tsv" ] && [ -x "$shared/tools/score.sh" ]; then
  manifest="$shared/testdata/blackbox/manifest.tsv"
  echo "== decode rate on $(($(wc -l <"$manifest") - 1)) blackbox images (same run, same machine)"
  "$shared/tools/peers.sh" "$manifest" "$out" zxingcpp zbar-upc >"$out/peers.log" 2>&1
  "$shared/tools/score.sh" -m "$manifest" -n scannerd -o "$out/scannerd.tsv" -- \
    "$root/bin/scanctl" decode --tsv --try-harder -j 1 --cpuprofile "$out/scannerd.prof" >"$out/scannerd.log" 2>&1
  go tool pprof -tags "$root/bin/scanctl" "$out/scannerd.prof" >"$out/stages.txt" 2>/dev/null || true
  python3 - "$out/stages.txt" "$out/scannerd.tsv" "$out/zxingcpp.manifest.tsv" "$out/zbar-upc.manifest.tsv" <<'PY'
import re, sys
stages_path = sys.argv.pop(1)
names = ["scannerd", "ZXingReader", "zbarimg"]
tables, totals = [], []
for path in sys.argv[1:]:
    fam, tot = {}, {}
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("# "):
            for kv in line[2:].split():
                if "=" in kv:
                    k, v = kv.split("=", 1)
                    tot[k] = v
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 5 or cols[0] == "path":
            continue
        f = fam.setdefault(cols[2], [0, 0, 0])
        f[1] += 1
        if cols[2] == "none":
            f[0] += cols[4] in ("wrong", "ok")
        else:
            f[0] += cols[4] == "ok"
    tables.append(fam)
    totals.append(tot)
families = sorted(set().union(*tables))
print("| family | images | " + " | ".join(names) + " |")
print("|---|---:|" + "---:|" * len(names))
all_ok = [0] * len(names)
all_n = 0
for f in families:
    n = tables[0].get(f, [0, 0])[1]
    cells = []
    for i, t in enumerate(tables):
        ok = t.get(f, [0, 0])[0]
        if f == "none":
            cells.append(f"{ok} false pos.")
        else:
            cells.append(f"{ok} ({100*ok/max(1,n):.1f} %)")
            all_ok[i] += ok
    if f != "none":
        all_n += n
    print(f"| {f} | {n} | " + " | ".join(cells) + " |")
print(f"| **all** | {all_n} | " + " | ".join(f"**{ok} ({100*ok/all_n:.1f} %)**" for ok in all_ok) + " |")
def cpu_ms(t):
    try:
        return 1000 * float(t["cpu_s"]) / int(t["images"])
    except (KeyError, ValueError, ZeroDivisionError):
        return None
cpus = [cpu_ms(t) for t in totals]
print("| CPU ms/image | | " + " | ".join("?" if c is None else f"{c:.2f}" for c in cpus) + " |")
if cpus[0] and cpus[1]:
    print(f"\nscannerd uses {cpus[0] / cpus[1]:.2f}× ZXingReader's CPU per image (user+sys, one worker).")

# Where scannerd's CPU time went, from the pprof labels of the same run.
images = int(totals[0].get("images", "0") or 0)
unit = {"s": 1000.0, "ms": 1.0, "us": 0.001, "µs": 0.001, "ns": 1e-6}
section, split = None, {}
for line in open(stages_path, encoding="utf-8", errors="replace"):
    m = re.match(r"\s*(\w+): Total ([\d.]+)(\w+) of ([\d.]+)(\w+)", line)
    if m:
        section = m.group(1)
        split[section] = {"": float(m.group(4)) * unit[m.group(5)]}
        continue
    m = re.match(r"\s*([\d.]+)(\w+) \(\s*[\d.]+%\): (.+)", line)
    if m and section:
        split[section][m.group(3).strip()] = float(m.group(1)) * unit[m.group(2)]
if images and split:
    print(f"\nscannerd's CPU ms per image by pass and by stage (pprof labels; 'load' reads and decodes the file):")
    for section in ("pass", "stage"):
        rows = split.get(section, {})
        total = rows.pop("", 0)
        labelled = sum(rows.values())
        cells = [f"{k} {v / images:.2f}" for k, v in sorted(rows.items(), key=lambda kv: -kv[1])]
        cells.append(f"other {(total - labelled) / images:.2f}")
        print(f"  {section:5}: " + ", ".join(cells))
PY
  grep -h "crashes=" "$out/peers.log" | sed 's/ crashed on:.*//' || true
else
  echo "== blackbox comparison skipped: $shared/testdata/blackbox not found (set SCANNERD_SHARED)"
fi

echo
echo "== synthetic robustness suite: % of samples read at each level of each distortion, scannerd/ZXingReader"
go run -tags=gocv_specific_modules,gocv_videoio ./internal/robust/robustcurves -samples "${ROBUST_SAMPLES:-6}" -zxing

echo
echo "== Go benchmarks"
tags=gocv_specific_modules,gocv_videoio
bench() { # PACKAGE PATTERN BENCHTIME
  go test -tags=$tags -run '^$' -bench "$2" -benchtime "$3" "$1" 2>&1 | grep -E '^(Benchmark|FAIL|---)' || true
}
if [ -n "${BENCH_PATTERN:-}" ]; then
  go test -tags=$tags -run '^$' -bench "$BENCH_PATTERN" -benchtime "${BENCH_TIME:-1s}" ./... 2>&1 | grep -E '^(Benchmark|ok|FAIL|---)' || true
  exit 0
fi
echo "-- CPU per blackbox image with the default symbologies and with all of them (try-harder, and a live source's defaults)"
SCANNERD_BLACKBOX="$shared/testdata/blackbox" bench ./scanner '^BenchmarkBlackboxCostRatio$' "${COST_ROUNDS:-2}x"
echo "-- image loading: CPU per blackbox image with scanctl decode's loaders (capture: the PNG reader; opencv: OpenCV's codecs alone) and Go's decoders"
SCANNERD_BLACKBOX="$shared/testdata/blackbox" bench ./capture '^BenchmarkDecodeImageBlackbox$' 1262x
echo "-- engine: one frame (ns/op), the whole daemon on a 1080p 30 fps replay"
bench ./scanner 'BenchmarkDecode' 20x
echo "-- DotCode (off by default): CPU per blackbox image off and on; generated symbols read"
bench ./scanner 'BenchmarkBlackboxDotCode' 1x
DOTCODE_SWEEP=1000 go test -tags=$tags -count=1 -run '^TestZintSweep$' ./scanner/dotcode 2>&1 | grep -E 'sweep|FAIL' || true
go test -tags=$tags -count=1 -run '^TestZintDotCode$' -v ./scanner -args -zint-sweep 2>&1 | grep -E 'DOTCODE:|FAIL' || true
bench ./cmd/scannerd 'BenchmarkPipeline1080p' 1x
echo "-- local socket API: fan-out to 1, 10, 100 subscribers"
bench ./api 'BenchmarkFanout' 2s
echo "-- licensing: meter per result, LTS ingest and authorize"
bench ./licensing 'BenchmarkMeter' 1s
bench ./licensing/lts 'BenchmarkIngest|BenchmarkAuthorize' 2s
echo "-- LTS console: each page over 10,000 devices and a year of usage, bbolt and PostgreSQL (fills the stores first: minutes)"
bench ./licensing/lts/console 'BenchmarkPages' 20x
