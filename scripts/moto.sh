#!/usr/bin/env bash
# Starts or stops a local moto server (AWS API emulator) from the project venv.
#   eval "$(scripts/moto.sh start)"   # exports MOTO_ENDPOINT=http://127.0.0.1:PORT
#   scripts/moto.sh stop
#   scripts/moto.sh status            # prints the export line if it is running
# Run dir (PID, URL, log): ${MOTO_RUN_DIR:-.run/moto} (the venv is shared by every clone).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run_dir="${MOTO_RUN_DIR:-$root/.run/moto}"
pid_file="$run_dir/moto.pid"
url_file="$run_dir/moto.url"
log_file="$run_dir/moto.log"
moto_server="$root/.venv/bin/moto_server"
python="$root/.venv/bin/python"

# True when the recorded PID is alive and still a moto_server (PIDs get reused).
running() {
    local pid
    [[ -f "$pid_file" ]] || return 1
    pid="$(cat "$pid_file")"
    kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q moto_server
}

answers() {
    "$python" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=2).read()
PY
}

start() {
    if [[ ! -x "$moto_server" ]]; then
        echo "moto.sh: $moto_server missing; run scripts/setup-venv.sh first" >&2
        exit 1
    fi
    mkdir -p "$run_dir"
    if running && answers "$(cat "$url_file")"; then
        echo "export MOTO_ENDPOINT=$(cat "$url_file")"
        return
    fi
    local port url pid
    port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    url="http://127.0.0.1:$port"
    # Serialised requests: see scripts/moto_server.py.
    nohup "$python" "$root/scripts/moto_server.py" -H 127.0.0.1 -p "$port" >"$log_file" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pid_file"
    echo "$url" >"$url_file"
    for _ in $(seq 1 60); do
        if answers "$url"; then
            echo "export MOTO_ENDPOINT=$url"
            return
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        sleep 0.5
    done
    echo "moto.sh: moto_server did not answer on $url (log: $log_file)" >&2
    kill "$pid" 2>/dev/null || true
    rm -f "$pid_file" "$url_file"
    exit 1
}

stop() {
    if running; then
        local pid
        pid="$(cat "$pid_file")"
        kill "$pid"
        for _ in $(seq 1 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pid_file" "$url_file"
}

status() {
    if running; then
        echo "export MOTO_ENDPOINT=$(cat "$url_file")"
    else
        echo "moto.sh: not running" >&2
        exit 1
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
