#!/usr/bin/env bash
# Installs the system packages ReplicaFS needs to build, test and run on Debian/Ubuntu.
# Idempotent: packages already installed are skipped, so it is cheap to run every time.
# Run as root (or with sudo). As a normal user it only reports what is missing.
set -euo pipefail

# package -> a command or file that proves it is there
declare -A probe=(
  [fuse]=/bin/fusermount
  [libfuse2]=/usr/lib/x86_64-linux-gnu/libfuse.so.2
  [sqlite3]=/usr/bin/sqlite3
  [etcd-server]=/usr/bin/etcd
  [etcd-client]=/usr/bin/etcdctl
  [openjdk-17-jdk-headless]=/usr/bin/javac
  [maven]=/usr/bin/mvn
  [procps]=/usr/bin/pkill
  [curl]=/usr/bin/curl
  [openssl]=/usr/bin/openssl
  [python3]=/usr/bin/python3
  [gcc]=/usr/bin/gcc
)

missing=()
for pkg in "${!probe[@]}"; do
  path=${probe[$pkg]}
  # libfuse2 may live under another multiarch directory
  if [ "$pkg" = libfuse2 ]; then
    ldconfig -p 2>/dev/null | grep -q 'libfuse.so.2 ' && continue
  fi
  if [ -e "$path" ] || command -v "$(basename "$path")" >/dev/null 2>&1; then
    continue
  fi
  # java/maven may come from elsewhere (SDKMAN, Temurin)
  missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all prerequisites present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root: sudo $0" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
