#!/bin/sh
# Installs (or upgrades) xlive from its .deb on a running Debian 12+/Raspberry Pi OS (64-bit) box.
#
#   sudo sh install.sh [file.deb | directory]
#
# With a directory (default: build/deb next to this script, else the current directory) it picks the
# newest xlive_<version>_<arch>.deb for this machine (dpkg --print-architecture: arm64 or amd64).
# apt-get resolves the dependencies. Running it again is safe: the same version is left alone, a
# newer one is an upgrade (data and config are kept), an older one is refused.
#
# Uninstall: sudo apt-get remove xlive   (keeps /var/lib/xlive and /etc/xlive)
#            sudo apt-get purge xlive    (deletes the database, recordings, secrets, config, the user)
set -eu

say() { printf '%s\n' "xlive install: $*"; }
die() { printf '%s\n' "xlive install: $*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "run as root"
  exec sudo sh "$0" "$@"
fi
command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 || die "this is for Debian-based systems (dpkg and apt-get)"

ARCH=$(dpkg --print-architecture)
case "$ARCH" in
  amd64|arm64) ;;
  armhf|armel) die "xlive ships arm64 and amd64 packages; this system is 32-bit ($ARCH). On a Raspberry Pi 3/4/5 install the 64-bit Raspberry Pi OS." ;;
  *) die "no xlive package for $ARCH (arm64 and amd64 only)" ;;
esac

SRC=${1:-}
if [ -z "$SRC" ]; then
  HERE=$(cd "$(dirname "$0")" && pwd)
  if [ -d "$HERE/../build/deb" ]; then SRC=$HERE/../build/deb; else SRC=$(pwd); fi
fi
if [ -d "$SRC" ]; then
  DEB=""
  BEST=""
  for f in "$SRC"/xlive_*_"$ARCH".deb; do
    [ -f "$f" ] || continue
    v=$(dpkg-deb -f "$f" Version)
    if [ -z "$BEST" ] || dpkg --compare-versions "$v" gt "$BEST"; then BEST=$v; DEB=$f; fi
  done
  [ -n "$DEB" ] || die "no xlive_*_$ARCH.deb in $SRC (build one with: scripts/build-deb --arch $ARCH)"
elif [ -f "$SRC" ]; then
  DEB=$SRC
else
  die "$SRC: no such file or directory"
fi
DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
[ "$(dpkg-deb -f "$DEB" Package)" = xlive ] || die "$DEB is not an xlive package"
DEB_ARCH=$(dpkg-deb -f "$DEB" Architecture)
[ "$DEB_ARCH" = "$ARCH" ] || die "$DEB is for $DEB_ARCH, this machine is $ARCH"
NEW=$(dpkg-deb -f "$DEB" Version)

OLD=""
if [ "$(dpkg-query -W -f='${db:Status-Status}' xlive 2>/dev/null || true)" = installed ]; then
  OLD=$(dpkg-query -W -f='${Version}' xlive)
fi

apt_install() {
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold "$DEB"; then
    say "retrying after apt-get update (a dependency may be missing from the package lists)"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold "$DEB"
  fi
}

if [ -z "$OLD" ]; then
  say "installing xlive $NEW ($ARCH) from $DEB"
  apt_install
  WHAT="installed xlive $NEW"
elif [ "$OLD" = "$NEW" ]; then
  WHAT="xlive $NEW is already installed; nothing to do"
elif dpkg --compare-versions "$NEW" gt "$OLD"; then
  say "upgrading xlive $OLD -> $NEW (database, recordings, plugins, secrets and config are kept)"
  apt_install
  WHAT="upgraded xlive $OLD -> $NEW"
else
  die "xlive $OLD is installed, newer than $NEW; not downgrading (apt-get install --allow-downgrades $DEB if you mean it)"
fi

# What is where, from the box's own effective configuration.
CHECK=$(xlive config check 2>/dev/null || true)
value() { printf '%s\n' "$CHECK" | sed -n "s/^$1 = \\([^ ]*\\).*/\\1/p" | head -1 | tr -d '"'; }
HTTP_PORT=$(value 'http\.port'); HTTP_PORT=${HTTP_PORT:-8080}
RTMP_PORT=$(value 'plugins\.rtmp\.port'); RTMP_PORT=${RTMP_PORT:-1935}
HOST=$(hostname 2>/dev/null || echo localhost)
ADDRS=$(hostname -I 2>/dev/null || true)
if [ -d /run/systemd/system ]; then
  SERVICE="$(systemctl is-enabled xlive.service 2>/dev/null || true), $(systemctl is-active xlive.service 2>/dev/null || true) (systemctl status xlive; journalctl -u xlive)"
else
  SERVICE="enabled; systemd is not running here, so it starts at the next boot (or by hand: xlive serve)"
fi

cat <<EOF

xlive install: $WHAT.
  service   xlive.service: $SERVICE
  user      xlive (system user, no login); the service runs as it
  program   /usr/lib/xlive (with its own Node.js), command /usr/bin/xlive
  config    /etc/xlive/default.json (package default) - put your changes in /etc/xlive/local.json
  data      /var/lib/xlive (SQLite database, recordings, secrets, external plugins)
  live HLS  /run/xlive (memory; rebuilt at each start)
  ports     HTTP $HTTP_PORT (panel, API, HLS, FLV), RTMP $RTMP_PORT (encoders)

Next: open http://$HOST.local:$HTTP_PORT/ or http://<address>:$HTTP_PORT/${ADDRS:+ (addresses: $ADDRS)}
and create the admin account (there is no default password), or on this console:
  sudo xlive admin create <name>
Publish: rtmp://<box>:$RTMP_PORT/live with a stream key from the panel (Publishing).

Uninstall: sudo apt-get remove xlive   keeps /var/lib/xlive and /etc/xlive
           sudo apt-get purge xlive    deletes the database, recordings, secrets, config and the user xlive
EOF
