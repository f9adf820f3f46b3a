#!/usr/bin/env bash
# System packages the product and its tests need (Debian). Idempotent; needs root for apt.
set -euo pipefail
PACKAGES=(
  postgresql redis-server
  chromium chromium-driver
  fonts-noto-cjk fonts-wqy-zenhei
  libreoffice-writer-nogui
  texlive-xetex texlive-lang-chinese
  poppler-utils
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "missing system packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
