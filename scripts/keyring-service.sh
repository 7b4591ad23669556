#!/usr/bin/env bash
# The test session's org.freedesktop.secrets, started by D-Bus activation
# (see scripts/test-session.sh): gnome-keyring-daemon in the foreground,
# unlocked with the session's test password, in a session of its own so no
# hang-up or signal meant for the test run's process group reaches it.
# Logs every start and every exit, with how the daemon ended, to
# SESSION/keyring.log; SIGTERM to this wrapper stops the daemon.
#
#   keyring-service.sh SESSION
set -u
session="${1:?usage: keyring-service.sh SESSION}"
log="$session/keyring.log"
stamp() { date '+%H:%M:%S.%3N'; }

echo $$ > "$session/wrapper.pid"
setsid gnome-keyring-daemon --foreground --unlock --components=secrets \
  < "$session/password" >> "$log" 2>&1 &
daemon=$!
echo "$(stamp) gnome-keyring-daemon started (pid $daemon)" >> "$log"

stopping=false
trap 'stopping=true; kill -TERM "$daemon" 2>/dev/null' TERM INT HUP
while :; do
  wait "$daemon"
  status=$?
  # `wait` also returns when a trapped signal arrives: wait again until the
  # daemon itself is gone.
  kill -0 "$daemon" 2>/dev/null || break
done

if $stopping; then
  how="stopped by the test session"
elif [ "$status" -gt 128 ]; then
  how="killed by signal $((status - 128)) ($(kill -l $((status - 128)) 2>/dev/null || echo '?'))"
else
  how="exited with status $status"
fi
echo "$(stamp) gnome-keyring-daemon (pid $daemon) $how" >> "$log"
exit 0
