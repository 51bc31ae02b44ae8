#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sets socp up from nothing on Debian 12, then runs the demo or the tests.
#   bash scripts/setup.sh --demo   system GDAL, npm install (gdal-async against it), build, demo
#   bash scripts/setup.sh --test   the same plus the test oracles (R gbm, SAGA, GRASS, QGIS 3.22,
#                                  Chromium), then the whole test suite
#   bash scripts/setup.sh          set up only
# gdal-async is built against Debian's GDAL (libgdal-dev, --build-from-source --shared_gdal via
# .npmrc; about 2 minutes). Without a system GDAL npm would compile GDAL itself for over an hour, so
# this script installs it (as root or with sudo) or stops with one sentence saying what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
case "$mode" in --demo|--test|"") ;; *) echo "usage: bash scripts/setup.sh [--demo|--test]" >&2; exit 2;; esac

base_pkgs=(libgdal-dev gdal-bin)
test_pkgs=(r-base-core r-cran-gbm saga grass-core qgis python3-qgis qgis-providers chromium redis-server)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi
}

missing_pkgs() {
  local p out=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p"); done
  echo "${out[@]:-}"
}

install_pkgs() {
  local missing
  missing="$(missing_pkgs "$@")"
  [ -z "$missing" ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "socp needs these Debian packages, and this system has no apt-get: $missing" >&2; exit 1
  fi
  echo "Installing Debian packages: $missing"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
     ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
    echo "socp needs these Debian packages; install them with: sudo apt-get install $missing" >&2
    exit 1
  fi
}

install_pkgs "${base_pkgs[@]}"
if ! command -v gdal-config >/dev/null; then
  echo "socp needs GDAL's development files (gdal-config); install them with: sudo apt-get install libgdal-dev" >&2
  exit 1
fi
if [ "$mode" = "--test" ]; then
  install_pkgs "${test_pkgs[@]}"
fi

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "socp needs Node.js 20 or newer (found $(node -v 2>/dev/null || echo none)); install it first" >&2
  exit 1
fi

# .npmrc sets build_from_source=gdal-async and shared_gdal=true: gdal-async links Debian's GDAL.
if [ ! -f node_modules/gdal-async/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm packages (gdal-async builds against GDAL $(gdal-config --version), about 2 minutes)…"
  npm ci --no-audit --no-fund
else
  npm run build --silent
fi

case "$mode" in
  --demo) npm run demo ;;
  --test) npm test ;;
esac
