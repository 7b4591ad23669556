#!/usr/bin/env bash
# Test OAuth 2.0 authorization server for the test suite: django-oauth-toolkit,
# and Authlib under /authlib for RFC 7523 (both third-party, from PyPI),
# configured by tests/idp/, served by one waitress process on 127.0.0.1; and
# node-oidc-provider (npm, in node_modules) for RFC 8705 mutual TLS, served
# over HTTPS by tests/idp/mtls_provider.mjs, a second process with its own PID.
#
#   scripts/idp.sh install   create/refresh the venv .cache/idp-venv
#   scripts/idp.sh start     install if needed, fresh DB, seed, start, print the env
#   scripts/idp.sh stop      stop the server started by `start`
#   scripts/idp.sh env       print the env file (export KEY=VALUE lines)
#   scripts/idp.sh status    exit 0 if running
#
# Environment: PYTHON (default python3), OC_IDP_PORT and OC_IDP_MTLS_PORT
# (default: a free port). Needs node, openssl and `scripts/node-modules.sh`.
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
# The RFC 8705 server (node-oidc-provider): its CA and certificate, PID, port, log.
MTLS_DIR="$STATE/mtls"
MTLS_PID_FILE="$STATE/mtls-pid"
MTLS_PORT_FILE="$STATE/mtls-port"
MTLS_LOG_FILE="$STATE/mtls-server.log"
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

# node-oidc-provider comes with the project's npm packages (package.json).
mtls_check() {
    command -v node >/dev/null || die "node not found (scripts/deps.sh installs it)"
    # oidc-provider 8 runs on Node.js 18 (Debian 12's nodejs) and later;
    # 9 would need 20.12+, which Debian 12 does not ship.
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' \
        || die "node $(node --version) is too old for oidc-provider 8: it needs Node.js >= 18"
    command -v openssl >/dev/null || die "openssl not found (scripts/deps.sh test installs it)"
    [[ -f "$ROOT/node_modules/oidc-provider/package.json" ]] \
        || die "node_modules/oidc-provider is missing (run scripts/node-modules.sh)"
}

# PID recorded in file $1 if that process runs and its command line matches
# $2, or nothing. The match guards against PID reuse.
recorded_pid() {
    [[ -f "$1" ]] || return 0
    local pid
    pid="$(cat "$1" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    if alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$2"; then
        echo "$pid"
    fi
}

# PID of the running server (waitress), or nothing.
running_pid() { recorded_pid "$PID_FILE" 'serve\.py'; }

# PID of the running RFC 8705 server (node-oidc-provider), or nothing.
mtls_running_pid() { recorded_pid "$MTLS_PID_FILE" 'mtls_provider\.mjs'; }

cmd_env() {
    [[ -f "$ENV_FILE" ]] || die "no env file at $ENV_FILE (run: scripts/idp.sh start)"
    cat "$ENV_FILE"
}

cmd_status() {
    local pid mtls_pid
    pid="$(running_pid)"
    mtls_pid="$(mtls_running_pid)"
    if [[ -n "$pid" && -n "$mtls_pid" ]]; then
        log "running, pid $pid, $(grep '^export OC_IDP_BASE=' "$ENV_FILE" 2>/dev/null | cut -d= -f2-)"
        log "running, pid $mtls_pid, $(grep '^export OC_IDP_MTLS_ISSUER=' "$ENV_FILE" 2>/dev/null | cut -d= -f2-)"
    else
        log "not running${pid:+ (only pid $pid)}${mtls_pid:+ (only pid $mtls_pid)}"
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

# A CA and a server certificate for 127.0.0.1 signed by it, made afresh in
# $MTLS_DIR at each start (the CA's key is deleted once it has signed).
mtls_certificates() {
    rm -rf "$MTLS_DIR"
    mkdir -p "$MTLS_DIR"
    chmod 700 "$MTLS_DIR"
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -noenc)
    {
        openssl req -x509 "${ec[@]}" -days 7 -keyout "$MTLS_DIR/ca.key" -out "$MTLS_DIR/ca.pem" \
            -subj "/CN=OAuth Console test mTLS CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" &&
        openssl req "${ec[@]}" -keyout "$MTLS_DIR/server.key" -out "$MTLS_DIR/server.csr" -subj "/CN=127.0.0.1" &&
        openssl x509 -req -in "$MTLS_DIR/server.csr" -CA "$MTLS_DIR/ca.pem" -CAkey "$MTLS_DIR/ca.key" \
            -set_serial "0x$(openssl rand -hex 8)" -days 7 -out "$MTLS_DIR/server.pem" \
            -extfile <(printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
                "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1")
    } >>"$MTLS_LOG_FILE" 2>&1 || { tail -n 30 "$MTLS_LOG_FILE" >&2; die "openssl could not make the mTLS server certificate"; }
    rm -f "$MTLS_DIR/ca.key" "$MTLS_DIR/server.csr"
}

# Starts tests/idp/mtls_provider.mjs and waits until it has written its port
# and answers its discovery document over HTTPS (trusting only our CA).
mtls_start() {
    rm -f "$MTLS_PID_FILE" "$MTLS_PORT_FILE"
    : > "$MTLS_LOG_FILE"
    mtls_certificates
    (cd "$ROOT" && exec nohup node tests/idp/mtls_provider.mjs) >>"$MTLS_LOG_FILE" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" > "$MTLS_PID_FILE"
    local deadline=$((SECONDS + START_TIMEOUT)) port=""
    while :; do
        if ! alive "$pid"; then
            tail -n 30 "$MTLS_LOG_FILE" >&2
            rm -f "$MTLS_PID_FILE"
            die "the mTLS server exited during startup (log: $MTLS_LOG_FILE)"
        fi
        if [[ -z "$port" && -s "$MTLS_PORT_FILE" ]]; then
            port="$(cat "$MTLS_PORT_FILE")"
        fi
        if [[ -n "$port" ]] && node -e '
            const https = require("node:https"), fs = require("node:fs");
            https.get(process.argv[1], { ca: fs.readFileSync(process.argv[2]) },
                (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1));
        ' "https://127.0.0.1:$port/.well-known/openid-configuration" "$MTLS_DIR/ca.pem" 2>/dev/null; then
            break
        fi
        if ((SECONDS >= deadline)); then
            tail -n 30 "$MTLS_LOG_FILE" >&2
            cmd_stop
            die "the mTLS server did not answer within ${START_TIMEOUT}s (log: $MTLS_LOG_FILE)"
        fi
        sleep 0.2
    done
    log "started, pid $pid, https://127.0.0.1:$port (log: $MTLS_LOG_FILE)"
}

cmd_start() {
    local pid mtls_pid
    pid="$(running_pid)"
    mtls_pid="$(mtls_running_pid)"
    if [[ -n "$pid" && -n "$mtls_pid" && -f "$ENV_FILE" ]]; then
        cmd_env
        return 0
    fi
    if [[ -n "$pid" || -n "$mtls_pid" ]]; then cmd_stop; fi
    cmd_install
    mtls_check
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

    mtls_start
    local issuer
    issuer="https://127.0.0.1:$(cat "$MTLS_PORT_FILE")"

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
        echo "export OC_IDP_MTLS_ISSUER=$issuer"
        echo "export OC_IDP_MTLS_CA=$MTLS_DIR/ca.pem"
        echo "export OC_IDP_MTLS_REGISTRATION_URL=$issuer/reg"
        echo "export OC_IDP_MTLS_TOKEN_URL=$issuer/token"
        echo "export OC_IDP_MTLS_INTROSPECTION_URL=$issuer/token/introspection"
        echo "export OC_IDP_MTLS_SCOPE=api:read"
    } > "$ENV_FILE.tmp"
    mv "$ENV_FILE.tmp" "$ENV_FILE"
    log "started, pid $pid, $base (log: $LOG_FILE)"
    cmd_env
}

# SIGTERM to PID $1, SIGKILL if it still runs 10 s later.
stop_pid() {
    local pid="$1" i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        log "pid $pid ignored SIGTERM for 10s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped pid $pid"
}

cmd_stop() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then stop_pid "$pid"; fi
    pid="$(mtls_running_pid)"
    if [[ -n "$pid" ]]; then stop_pid "$pid"; fi
    rm -f "$PID_FILE" "$PORT_FILE" "$ENV_FILE" "$MTLS_PID_FILE" "$MTLS_PORT_FILE"
    rm -rf "$MTLS_DIR"
}

case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    env) cmd_env ;;
    status) cmd_status ;;
    *) echo "usage: $0 {install|start|stop|env|status}" >&2; exit 2 ;;
esac
