#!/bin/sh
# Installs what building, running and testing ringos needs, on Debian 12.
# As root it installs with apt; otherwise it prints the exact commands and fails.
# Already-satisfied dependencies cost one dpkg query each and nothing more.
set -eu

PKGS="gcc binutils make grub-pc-bin grub-common xorriso mtools newlib-source \
libcmocka-dev python3-pytest python3-scapy iproute2 iputils-ping iputils-arping \
socat netcat-openbsd hping3 tcpdump"
BACKPORTS_LIST=/etc/apt/sources.list.d/bookworm-backports.list
BACKPORTS_LINE="deb http://deb.debian.org/debian bookworm-backports main"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
        || missing="$missing $p"
done

# Debian 12's own QEMU (7.2) predates the igb model; bookworm-backports has 10.0.
need_qemu=0
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 ||
   ! qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'; then
    need_qemu=1
fi

[ -z "$missing" ] && [ "$need_qemu" = 0 ] && exit 0

cmds=""
if [ -n "$missing" ]; then
    cmds="apt-get update && apt-get install -y --no-install-recommends$missing"
fi
if [ "$need_qemu" = 1 ]; then
    bp="echo '$BACKPORTS_LINE' > $BACKPORTS_LIST && apt-get update && \
apt-get install -y --no-install-recommends -t bookworm-backports qemu-system-x86"
    cmds="${cmds:+$cmds && }$bp"
fi

if [ "$(id -u)" != 0 ]; then
    echo "ringos: missing build/test dependencies. As root, run:" >&2
    echo "  $cmds" >&2
    exit 1
fi

echo "ringos: installing dependencies:$missing$( [ $need_qemu = 1 ] && echo ' qemu-system-x86 (bookworm-backports)')"
export DEBIAN_FRONTEND=noninteractive
if [ "$need_qemu" = 1 ] && ! grep -qs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/*; then
    echo "$BACKPORTS_LINE" > "$BACKPORTS_LIST"
fi
apt-get update -q
[ -n "$missing" ] && apt-get install -y -q --no-install-recommends $missing
if [ "$need_qemu" = 1 ]; then
    apt-get install -y -q --no-install-recommends -t bookworm-backports qemu-system-x86
fi
