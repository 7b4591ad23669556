#!/usr/bin/env bash
# Runs a command in a private D-Bus session with a real Secret Service: an
# unlocked gnome-keyring that no test can lose. Used by scripts/test.sh and
# scripts/bench.sh as `scripts/test-session.sh CMD...`.
#
# Why it is built this way (tests/README.md, "The keychain session"):
# - The bus is dbus-daemon with a configuration of our own whose only
#   activatable service is org.freedesktop.secrets, started by
#   scripts/keyring-service.sh: gnome-keyring in the foreground, unlocked with
#   the test password, in a session of its own (no signal sent to the test
#   run's process group or terminal reaches it). If it ever exits, the next
#   Secret Service call starts it again, unlocked, on the same keyring file;
#   every start and exit (with its status) is logged and reported at the end.
# - Debian's own service files are not on this bus: D-Bus can never start a
#   second `gnome-keyring-daemon --start` with a locked keyring, nor
#   gcr-prompter, whose password dialog nobody can answer under Xvfb.
# - Before CMD runs, a probe stores, reads and clears a value with
#   secret-tool, each step with a timeout: a keychain that does not answer
#   stops the run here, with a clear message, instead of failing tests later.
#
# Environment for CMD: DBUS_SESSION_BUS_ADDRESS, and OC_KEYRING_SESSION (the
# folder with keyring.log), which keychain tests read to explain a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { echo "test-session: $*" >&2; }

if [ -z "${OC_KEYRING_SESSION:-}" ]; then
  # Outside the bus: make the session folder and the bus configuration, then
  # run this script again inside dbus-run-session.
  base="${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}"
  session="$(mktemp -d "$base/oc-keyring-session.XXXXXX")" || { say "cannot create a session folder in $base"; exit 1; }
  chmod 700 "$session"
  mkdir -p "$session/services"
  # The test keyring's password: the same at every start, so a restarted
  # daemon unlocks the keyring file the first one created. Test-only.
  ( umask 077; printf %s 'test-keyring-password' > "$session/password" )
  cat > "$session/services/org.freedesktop.secrets.service" <<EOF
[D-BUS Service]
Name=org.freedesktop.secrets
Exec=$ROOT/scripts/keyring-service.sh $session
EOF
  cat > "$session/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=$session</listen>
  <auth>EXTERNAL</auth>
  <!-- Only our own service: no Debian service file (a second keyring
       daemon, gcr-prompter, at-spi) can be started on this bus. -->
  <servicedir>$session/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <limit name="service_start_timeout">30000</limit>
</busconfig>
EOF
  OC_KEYRING_SESSION="$session" dbus-run-session --config-file="$session/bus.conf" -- "$0" "$@"
  status=$?
  rm -rf "$session"
  exit $status
fi

# Inside the bus.
session="$OC_KEYRING_SESSION"
export OC_KEYRING_SESSION
log="$session/keyring.log"
: >> "$log"

# 1. Start the Secret Service through D-Bus activation (the same way a
#    restart happens), within 30 s.
if ! timeout 35 dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.StartServiceByName string:org.freedesktop.secrets uint32:0 >/dev/null 2>&1; then
  say "the Secret Service (gnome-keyring) did not start within 30 s"
  sed 's/^/  keyring: /' "$log" >&2
  exit 1
fi

# 2. Prove it answers: store, look up and clear a probe value.
probe() { timeout 10 "$@" </dev/null; }
probe_value="oc-probe-$$"
if ! printf %s "$probe_value" | timeout 10 secret-tool store --label='OAuth Console test probe' service oc-test-probe probe "$$" ||
   [ "$(probe secret-tool lookup service oc-test-probe probe "$$")" != "$probe_value" ] ||
   ! probe secret-tool clear service oc-test-probe probe "$$"; then
  say "the Secret Service does not answer (store, look up and clear of a probe value failed or took over 10 s)"
  sed 's/^/  keyring: /' "$log" >&2
  exit 1
fi
say "Secret Service ready (gnome-keyring, unlocked; log: $log)"

"$@"
status=$?

# 3. Report: how many times the daemon started, and how every exit happened.
starts=$(grep -c 'gnome-keyring-daemon started (pid' "$log" 2>/dev/null || true)
if [ "${starts:-0}" -gt 1 ]; then
  say "WARNING: the keyring daemon had to be started $starts times during the run:"
  sed 's/^/  keyring: /' "$log" >&2
  say "see tests/README.md, 'The keychain session'"
fi

# 4. Stop the daemon by its PID (the wrapper forwards SIGTERM to it).
if [ -s "$session/wrapper.pid" ]; then
  wrapper=$(cat "$session/wrapper.pid")
  kill -TERM "$wrapper" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$wrapper" 2>/dev/null || break; sleep 0.1; done
fi
exit $status
