#!/usr/bin/env bash
# Test OAuth 2.0 authorization server for the test suite: django-oauth-toolkit,
# and Authlib under /authlib for RFC 7523 (both third-party, from PyPI),
# configured by tests/idp/, served by one waitress process on 127.0.0.1.
#
#   scripts/idp.sh install   create/refresh the venv .cache/idp-venv
#   scripts/idp.sh start     install if needed, fresh DB, seed, start, print the env
#   scripts/idp.sh stop      stop the server started by `start`
#   scripts/idp.sh env       print the env file (export KEY=VALUE lines)
#   scripts/idp.sh status    exit 0 if running
#
# Environment: PYTHON (default python3), OC_IDP_PORT (default: a free port).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IDP_DIR="$ROOT/tests/idp"
REQ="$IDP_DIR/requirements.txt"
VENV="$ROOT/.cache/idp-venv"
STAMP="$VENV/.requirements.sha256"
# OC_IDP_STATE_DIR: where this server keeps its database, pid, port and env
# files; a test run gives each its own so parallel runs never share one.
STATE="${OC_IDP_STATE_DIR:-$ROOT/.cache/idp}"
PID_FILE="$STATE/pid"
PORT_FILE="$STATE/port"
ENV_FILE="$STATE/env"
LOG_FILE="$STATE/server.log"
PYTHON="${PYTHON:-python3}"
START_TIMEOUT=30

export OC_IDP_STATE_DIR="$STATE"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

log() { echo "idp: $*" >&2; }

# True while the process exists and is not a zombie.
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    local state
    state="$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null || true)"
    [[ "$state" != "Z" ]]
}
die() { echo "idp: error: $*" >&2; exit 1; }

want_stamp() {
    { sha256sum "$REQ" | cut -d' ' -f1; "$PYTHON" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}

venv_ok() {
    [[ -x "$VENV/bin/python" && -f "$STAMP" ]] || return 1
    [[ "$(cat "$STAMP")" == "$(want_stamp)" ]] || return 1
    "$VENV/bin/python" -c 'import django, oauth2_provider, oauthlib, waitress, authlib, flask' 2>/dev/null
}

cmd_install() {
    command -v "$PYTHON" >/dev/null || die "$PYTHON not found (need Python >= 3.10)"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "$PYTHON is $("$PYTHON" -V 2>&1); Django 5.2 needs Python >= 3.10"
    if venv_ok; then
        return 0
    fi
    if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
        die "'$PYTHON -m venv' is unavailable (no ensurepip). On Debian/Ubuntu: apt-get install python3-venv"
    fi
    if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c '' 2>/dev/null; then
        rm -rf "$VENV"
        log "creating venv $VENV"
        "$PYTHON" -m venv "$VENV" || die "'$PYTHON -m venv' failed. On Debian/Ubuntu: apt-get install python3-venv"
    fi
    log "installing tests/idp/requirements.txt"
    "$VENV/bin/python" -m pip install -q -r "$REQ" || die "pip install -r $REQ failed"
    want_stamp > "$STAMP"
}

# PID of the running server, or nothing. Guards against PID reuse by checking the command line.
running_pid() {
    [[ -f "$PID_FILE" ]] || return 0
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    if alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'serve\.py'; then
        echo "$pid"
    fi
}

cmd_env() {
    [[ -f "$ENV_FILE" ]] || die "no env file at $ENV_FILE (run: scripts/idp.sh start)"
    cat "$ENV_FILE"
}

cmd_status() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        log "running, pid $pid, $(grep '^export OC_IDP_BASE=' "$ENV_FILE" 2>/dev/null | cut -d= -f2-)"
    else
        log "not running"
        return 1
    fi
}

# 0 once GET <base>/accounts/login/ answers 200.
probe() {
    "$VENV/bin/python" - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1] + "/accounts/login/", timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

cmd_start() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" && -f "$ENV_FILE" ]]; then
        cmd_env
        return 0
    fi
    if [[ -n "$pid" ]]; then cmd_stop; fi
    cmd_install
    mkdir -p "$STATE"
    rm -f "$STATE"/db.sqlite3* "$PID_FILE" "$PORT_FILE" "$ENV_FILE"
    : > "$LOG_FILE"

    local manage=("$VENV/bin/python" "$IDP_DIR/manage.py")
    "${manage[@]}" migrate --noinput -v 0 >>"$LOG_FILE" 2>&1 || { tail -n 30 "$LOG_FILE" >&2; die "migrate failed"; }
    local seed authlib_ids
    seed="$("${manage[@]}" seed_idp 2>>"$LOG_FILE")" || { tail -n 30 "$LOG_FILE" >&2; die "seed failed"; }
    authlib_ids="$(cd "$IDP_DIR" && "$VENV/bin/python" authlib_site.py 2>>"$LOG_FILE")" \
        || { tail -n 30 "$LOG_FILE" >&2; die "authlib_site.py failed"; }

    # exec: the background job's PID is the server's PID.
    (cd "$IDP_DIR" && exec nohup "$VENV/bin/python" -u serve.py) >>"$LOG_FILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" > "$PID_FILE"

    local deadline=$((SECONDS + START_TIMEOUT)) port="" base=""
    while :; do
        if ! alive "$pid"; then
            tail -n 30 "$LOG_FILE" >&2
            rm -f "$PID_FILE"
            die "server exited during startup (log: $LOG_FILE)"
        fi
        if [[ -z "$port" && -s "$PORT_FILE" ]]; then
            port="$(cat "$PORT_FILE")"
            base="http://127.0.0.1:$port"
        fi
        if [[ -n "$base" ]] && probe "$base"; then
            break
        fi
        if ((SECONDS >= deadline)); then
            tail -n 30 "$LOG_FILE" >&2
            cmd_stop
            die "server did not answer within ${START_TIMEOUT}s (log: $LOG_FILE)"
        fi
        sleep 0.2
    done

    {
        echo "export OC_IDP_BASE=$base"
        echo "export OC_IDP_TOKEN_URL=$base/o/token/"
        echo "export OC_IDP_AUTH_URL=$base/o/authorize/"
        echo "export OC_IDP_DEVICE_URL=$base/o/device-authorization/"
        echo "export OC_IDP_SCOPE=https://sandbox-audience.integration.test:443urn:opc:resource:consumer::all"
        sed -n 's/^\(OC_IDP_[A-Z_]*=[^[:space:]]*\)$/export \1/p' <<<"$seed"
        echo "export OC_IDP_AUTHLIB_TOKEN_URL=$base/authlib/token"
        echo "export OC_IDP_AUTHLIB_CERTIFICATES_URL=$base/authlib/test/certificates"
        sed -n 's/^\(OC_IDP_AUTHLIB_[A-Z_]*=[^[:space:]]*\)$/export \1/p' <<<"$authlib_ids"
    } > "$ENV_FILE.tmp"
    mv "$ENV_FILE.tmp" "$ENV_FILE"
    log "started, pid $pid, $base (log: $LOG_FILE)"
    cmd_env
}

cmd_stop() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        kill -TERM "$pid" 2>/dev/null || true
        local i
        for ((i = 0; i < 100; i++)); do
            alive "$pid" || break
            sleep 0.1
        done
        if alive "$pid"; then
            log "pid $pid ignored SIGTERM for 10s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        log "stopped pid $pid"
    fi
    rm -f "$PID_FILE" "$PORT_FILE" "$ENV_FILE"
}

case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    env) cmd_env ;;
    status) cmd_status ;;
    *) echo "usage: $0 {install|start|stop|env|status}" >&2; exit 2 ;;
esac
