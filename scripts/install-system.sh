#!/usr/bin/env bash
# Installs the system packages the lab's tests and CLI need on Debian 12 (run as root):
#  - chromium: the browser for the page tests; it also ships SwiftShader, a software Vulkan adapter
#  - mesa-vulkan-drivers 25 from bookworm-backports: lavapipe, the fastest software WebGPU adapter for Node
#    (bookworm's own Mesa 22 lavapipe is rejected by Dawn)
# Safe to run again; does nothing that is already done.
# The backports source uses the mirror this machine's Debian sources already use (deb822 .sources files or
# one-line sources.list), so machines with their own mirror keep it; deb.debian.org only when none is found.
# `install-system.sh --print-backports-source` prints the source it would write and changes nothing
# (APT_DIR=/some/etc/apt reads another sources folder; used by the tests).
set -euo pipefail
APT_DIR=${APT_DIR:-/etc/apt}

# The URI of the first source that serves the release itself (e.g. "bookworm", not bookworm-security).
debian_mirror() {
  local codename=$1 uri=''
  local f
  for f in "$APT_DIR"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk -v want="$codename" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; ok = 0; enabled = 1
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^[ \t]*#/) continue
          if (line ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", line); split(line, u, /[ \t]+/); uris = u[1] }
          if (line ~ /^Suites:/) { n = split(line, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == want) ok = 1 }
          if (line ~ /^Enabled:[ \t]*no/) enabled = 0
        }
        if (ok && enabled && uris != "") { print uris; exit }
      }' "$f")
    [ -n "$uri" ] && break
  done
  if [ -z "$uri" ]; then
    for f in "$APT_DIR"/sources.list "$APT_DIR"/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      uri=$(awk -v want="$codename" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == want) { print $i; exit } }' "$f")
      [ -n "$uri" ] && break
    done
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

backports_source() {
  cat <<SRC
Types: deb
URIs: $(debian_mirror "$1")
Suites: $1-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
}

codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-bookworm}" || echo bookworm)
if [ "${1:-}" = --print-backports-source ]; then backports_source "$codename"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "install-system.sh: run as root (or with sudo)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
have_backports_mesa() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^25'; }
if command -v chromium >/dev/null && have_backports_mesa; then echo "system packages: already installed"; exit 0; fi
list=$APT_DIR/sources.list.d/backports.sources
if [ "$codename" = bookworm ] && [ ! -f "$list" ]; then
  backports_source "$codename" > "$list"
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium ca-certificates >/dev/null
if [ "$codename" = bookworm ]; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libdrm2 libdrm-amdgpu1 libvulkan1 >/dev/null
else
  apt-get install -y -qq --no-install-recommends mesa-vulkan-drivers libvulkan1 >/dev/null
fi
echo "system packages: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
