#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when running as root and missing.
# Non-root machines must have them already; the tests that need them say so.
set -euo pipefail
# postgresql + postgis: the PostGIS store's tests start a throw-away cluster.
# poppler-utils + zbar-tools: the site report's tests read its text and QR code back.
packages=(gdal-bin chromium wrk fonts-noto-cjk postgresql postgresql-15-postgis-3
  poppler-utils zbar-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# npm installs the map's browser libraries (make assets); any Node 18+ will do.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "warning: missing Debian packages ${missing[*]} (not root, not installing)" >&2
  exit 0
fi
echo "installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
