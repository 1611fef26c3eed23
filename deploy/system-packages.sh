#!/usr/bin/env bash
# Installs the Debian packages labourflow needs, only when they are missing.
#   deploy/system-packages.sh          packages the product needs at run time
#   deploy/system-packages.sh --test   plus what the test suite needs
# As root it installs them with apt-get; otherwise it prints the exact command.
set -euo pipefail

runtime=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
testing=(chromium poppler-utils libnss3-tools zbar-tools softhsm2 docker-compose nginx-light redis-server nodejs)

wanted=("${runtime[@]}")
[[ "${1:-}" == "--test" ]] && wanted+=("${testing[@]}")

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "labourflow: missing system packages: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "labourflow: missing Debian packages. Run as root:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "==> installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || apt-get update
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
