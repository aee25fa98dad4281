#!/usr/bin/env bash
# Install the Debian packages passage needs. Idempotent: does nothing when they
# are all present. Run as root, or as a user with sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build git pkg-config
  libtbb-dev libpcg-cpp-dev libhdf5-dev hdf5-tools libyaml-cpp-dev libcli11-dev
  doctest-dev libbenchmark-dev libboost-dev libopenmpi-dev openmpi-bin
  python3 python3-h5py python3-matplotlib python3-numpy python3-scipy python3-geopandas
  python3-pytest python3-dev pybind11-dev python3-pybind11 python3-pandas jupyter-nbconvert
  python3-ipykernel python3-yaml
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} Debian packages are installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  else
    echo "setup: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
