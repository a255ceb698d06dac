#!/usr/bin/env bash
# Installs the system libraries the build needs (Debian/Ubuntu), as root or through sudo, when they are missing.
set -euo pipefail
missing=()
pkg-config --exists libical 2>/dev/null || missing+=(libical-dev)
pkg-config --exists cbc 2>/dev/null || missing+=(coinor-libcbc-dev)
pkg-config --exists libqrencode 2>/dev/null || missing+=(libqrencode-dev)
if ! pkg-config --exists sqlite3 2>/dev/null; then missing+=(libsqlite3-dev); fi
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
  echo "reviewcal: cài đặt ${missing[*]} …" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
