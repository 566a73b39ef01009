#!/usr/bin/env bash
# Installs the system packages the lab's tests and CLI need on Debian 12 (run as root):
#  - chromium: the browser for the page tests; it also ships SwiftShader, a software Vulkan adapter
#  - mesa-vulkan-drivers 25 from bookworm-backports: lavapipe, the fastest software WebGPU adapter for Node
#    (bookworm's own Mesa 22 lavapipe is rejected by Dawn)
# Safe to run again; does nothing that is already done.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install-system.sh: run as root (or with sudo)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
have_backports_mesa() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^25'; }
if command -v chromium >/dev/null && have_backports_mesa; then echo "system packages: already installed"; exit 0; fi
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
list=/etc/apt/sources.list.d/backports.sources
if [ "$codename" = bookworm ] && [ ! -f "$list" ]; then
  cat > "$list" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium ca-certificates >/dev/null
if [ "$codename" = bookworm ]; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libdrm2 libdrm-amdgpu1 libvulkan1 >/dev/null
else
  apt-get install -y -qq --no-install-recommends mesa-vulkan-drivers libvulkan1 >/dev/null
fi
echo "system packages: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
