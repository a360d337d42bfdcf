#!/usr/bin/env bash
# run.sh - make run: scannerd with everything it needs, on this machine, with
# no camera and no network.
#
# It sets up a local trial License Tracking Server (ltsd init, a trial
# license, a handshake code) in a scratch directory, starts it and scannerd on
# the demo camera pointed at it, and shows the results as they stream in
# (scanctl watch) until Ctrl-C, which stops all of it.
#
# BIN: where the binaries are (default bin/); SCANNERD_RUN_DIR: the scratch
# directory (default: a new temporary one, removed at the end), kept and
# reused by the next run with the same one.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${BIN:-bin}")
export OPENCV_LOG_LEVEL=${OPENCV_LOG_LEVEL:-ERROR}

if [ -n "${SCANNERD_RUN_DIR:-}" ]; then
  run=$SCANNERD_RUN_DIR
  mkdir -p "$run"
  keep=1
else
  run=$(mktemp -d "${TMPDIR:-/tmp}/scannerd-run.XXXXXX")
  keep=0
fi
pids=()
# Stops what was started, the last first: scanctl watch ends before
# scannerd, so it does not report the daemon shutting down.
stop() {
  trap - EXIT INT TERM
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    # Only what is still there is waited for (see the end).
    if kill -TERM "${pids[i]}" 2>/dev/null; then
      wait "${pids[i]}" 2>/dev/null || true
    fi
  done
  [ "$keep" = 1 ] || rm -rf "$run"
  echo >&2
  echo "stopped." >&2
}
trap stop EXIT
# Ctrl-C (or a TERM from a supervisor) is how this is meant to stop: a
# normal end, exit status 0.
trap 'exit 0' INT TERM

# Bold on a terminal; plain text in a log or a pipe.
if [ -t 2 ]; then
  say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }
else
  say() { printf '%s\n' "$*" >&2; }
fi

# Free ports on loopback for the LTS and scannerd's metrics listener.
port=18443
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
mport=9464
while (exec 3<>"/dev/tcp/127.0.0.1/$mport") 2>/dev/null; do mport=$((mport + 1)); done

# A kept directory (SCANNERD_RUN_DIR) is reused by the next run: its LTS
# keys, license and handshake code, and the device's enrolment in
# $run/state, which a new LTS would not know. Each step is done only if a
# run before did not do it.
if [ -e "$run/lts/ltsd.toml" ]; then
  say "1/4 License Tracking Server: reusing the keys, trial license and handshake code in $run/lts"
else
  say "1/4 License Tracking Server: keys, a trial license and a handshake code in $run/lts"
  "$bin/ltsd" init "$run/lts" >/dev/null
fi
if [ ! -s "$run/trial.lic" ]; then
  rm -f "$run/trial.lic.tmp"
  "$bin/ltsd" license issue --vendor-key "$run/lts/vendor.key" --id TRIAL --customer "make run" \
    --type scan --scans 100000 --period day --days 30 --output "$run/trial.lic.tmp" >/dev/null
  mv "$run/trial.lic.tmp" "$run/trial.lic"
fi
# Importing the same license again renews it: harmless, and it completes
# a run stopped between issuing and importing.
"$bin/ltsd" license import --config "$run/lts/ltsd.toml" "$run/trial.lic" >/dev/null
if [ ! -s "$run/handshake.code" ]; then
  # The code the device enrolled with, from a directory an earlier
  # version of this script kept, else a new one.
  code=$(sed -n 's/^handshake_code = "\(.*\)"$/\1/p' "$run/scannerd.toml" 2>/dev/null || true)
  if [ -z "$code" ]; then
    code=$("$bin/ltsd" handshake create --config "$run/lts/ltsd.toml" --license TRIAL)
  fi
  echo "$code" >"$run/handshake.code"
fi
code=$(cat "$run/handshake.code")
sed -i "s|^listen = .*|listen = \"127.0.0.1:$port\"|" "$run/lts/ltsd.toml"
# The daemons run in sessions of their own, so Ctrl-C reaches only this
# script and scanctl watch, and stop() ends them in order.
setsid "$bin/ltsd" serve --config "$run/lts/ltsd.toml" 2>"$run/ltsd.log" &
pids+=($!)

say "2/4 scannerd: the demo camera, licensed by that LTS (handshake code $code)"
{
  cat <<TOML
# Written by make run. See packaging/scannerd.toml for every key.
[log]
format = "text"

[api]
socket = "$run/scannerd.sock"
metrics_listen = "$mport"

[license]
state_dir = "$run/state"
handshake_code = "$code"
report_interval = "30s"
TOML
  "$bin/ltsd" pin --config "$run/lts/ltsd.toml" | grep -v '^#'
  cat <<TOML

[[source]]
name = "demo"
url = "demo"
fps = 15
TOML
} >"$run/scannerd.toml"
setsid "$bin/scannerd" --config "$run/scannerd.toml" 2>"$run/scannerd.log" &
pids+=($!)

say "3/4 waiting for the daemon's socket"
for _ in $(seq 1 100); do
  [ -S "$run/scannerd.sock" ] && break
  if ! kill -0 "${pids[1]}" 2>/dev/null; then
    echo "scannerd did not start:" >&2
    cat "$run/scannerd.log" >&2
    exit 1
  fi
  sleep 0.1
done

say "4/4 results as they are read (Ctrl-C stops everything). In another terminal:"
echo "      export SCANNERD_SOCKET=$run/scannerd.sock   # then scanctl needs no --socket" >&2
echo "      $bin/scanctl status --socket $run/scannerd.sock" >&2
echo "      $bin/scanctl license --socket $run/scannerd.sock" >&2
echo "      $bin/scanctl setup --socket $run/scannerd.sock    # the setup page (README, \"Setting up a device\")" >&2
echo "      $bin/scanctl snapshot demo -o demo.png --socket $run/scannerd.sock" >&2
echo "      curl -s http://127.0.0.1:$mport/metrics" >&2
echo "      $bin/ltsd usage --config $run/lts/ltsd.toml" >&2
echo "    logs: $run/scannerd.log, $run/ltsd.log; settings saved from the setup page: $run/state/setup.toml" >&2
# In the background, so a signal to this script (Ctrl-C, or a kill from a
# supervisor) runs the trap within a moment, and polled rather than waited
# for: a trap that interrupts bash's wait builtin can leave bash (5.2)
# waiting for a child it has already reaped, for ever (make run then did
# not stop on Ctrl-C, about one run in fifteen on a busy machine).
"$bin/scanctl" watch --recent --socket "$run/scannerd.sock" &
pids+=($!)
while kill -0 "${pids[2]}" 2>/dev/null; do
  sleep 0.2 || true
done
wait "${pids[2]}"
