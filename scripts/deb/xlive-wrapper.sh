#!/bin/sh
# /usr/bin/xlive (Debian package): the xlive CLI with the box's paths, the same as the systemd unit.
# Run as root, it drops to the user xlive first, so files it creates in /var/lib/xlive (database,
# WAL, secrets) stay the service's. Set XLIVE_RUN_AS_ROOT=1 to skip that (you then own the mess).
set -e
: "${XLIVE_CONFIG_DIR:=/etc/xlive}"
: "${XLIVE_DATA_DIR:=/var/lib/xlive}"
: "${XLIVE_RUNTIME_DIR:=/run/xlive}"
: "${XLIVE_PLUGINS_DIR:=/var/lib/xlive/plugins}"
: "${NODE_ENV:=production}"
export XLIVE_CONFIG_DIR XLIVE_DATA_DIR XLIVE_RUNTIME_DIR XLIVE_PLUGINS_DIR NODE_ENV
NODE=/usr/lib/xlive/bin/node
MAIN=/usr/lib/xlive/dist/appliance/cli/main.js
# `xlive update` stays root: it queues the package and starts the root xlive-update.service.
if [ "${1:-}" = update ]; then
  [ "$(id -u)" = 0 ] || { echo "xlive update: run it as root (sudo xlive update FILE.deb)" >&2; exit 77; }
  exec "$NODE" --max-semi-space-size=1 "$MAIN" "$@"
fi
if [ "$(id -u)" = 0 ] && [ "${XLIVE_RUN_AS_ROOT:-0}" != 1 ] && getent passwd xlive >/dev/null 2>&1; then
  # /run/xlive is made by the unit (RuntimeDirectory) or tmpfiles at boot; make it when neither ran.
  [ -d "$XLIVE_RUNTIME_DIR" ] || install -d -o xlive -g xlive -m 0750 "$XLIVE_RUNTIME_DIR"
  HOME=/var/lib/xlive
  export HOME
  exec setpriv --reuid=xlive --regid=xlive --init-groups --inh-caps=-all --bounding-set=-all \
    "$NODE" --max-semi-space-size=1 "$MAIN" "$@"
fi
exec "$NODE" --max-semi-space-size=1 "$MAIN" "$@"
