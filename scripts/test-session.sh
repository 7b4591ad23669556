#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring
# (a real Secret Service), then stops that keyring by its PID. Used by
# scripts/test.sh as: dbus-run-session -- scripts/test-session.sh CMD...
set -uo pipefail
# A fresh HOME has no login keyring; --unlock creates one with this password.
eval "$(printf %s 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
keyring_pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
  org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
  awk '/uint32/ {print $2}')
"$@"
status=$?
[ -n "${keyring_pid:-}" ] && kill "$keyring_pid" 2>/dev/null
exit $status
