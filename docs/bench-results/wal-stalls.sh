#!/usr/bin/env bash
# How long single-row WAL+NORMAL writes stall at the end of a WAL generation on one ReplicaFS node
# (docs/BENCHMARKS.md, "A WAL generation's files fsynced while it runs"). sqlite3 runs 5,000
# autocommit inserts with `.timer on` (1 ms resolution) after 20,000 warm-up transactions; the
# script prints the run's total, the writes that took longer than 3 ms (SQLite's checkpoint and the
# WAL restart after it) and the longest one. Needs root, sqlite3 and java.
#
#   docs/bench-results/wal-stalls.sh JAR [RUNS] [JVM-OPTION...]
set -euo pipefail

jar=${1:?usage: wal-stalls.sh JAR [RUNS] [JVM-OPTION...]}
runs=${2:-2}
shift $(($# < 2 ? $# : 2))
for tool in sqlite3 java python3; do
  command -v "$tool" >/dev/null || { echo "wal-stalls.sh: $tool is not installed" >&2; exit 2; }
done

work=$(mktemp -d /tmp/wal-stalls.XXXXXX)
node=
cleanup() {
  [ -z "$node" ] || kill "$node" 2>/dev/null || true
  sleep 1
  fusermount -uz "$work/mnt" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"/{data,mnt}
cat >"$work/node.yml" <<EOF
data: {dir: $work/data}
fuse: {dir: $work/mnt}
http: {addr: "127.0.0.1:20973"}
lease: {type: static, hostname: p, advertise-url: "http://127.0.0.1:20973", candidate: true}
EOF
java -Xmx512m "$@" -jar "$jar" mount -config "$work/node.yml" >"$work/node.log" 2>&1 &
node=$!
for _ in $(seq 300); do grep -qs " $work/mnt fuse" /proc/mounts && break; sleep 0.1; done
grep -qs " $work/mnt fuse" /proc/mounts || { echo "wal-stalls.sh: the node did not mount; see $work/node.log" >&2; cat "$work/node.log" >&2; exit 1; }

{
  echo "PRAGMA journal_mode=WAL;"
  echo "PRAGMA synchronous=NORMAL;"
  echo "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v BLOB);"
  for _ in $(seq 5000); do echo "BEGIN IMMEDIATE; INSERT INTO t(v) VALUES(randomblob(100)); COMMIT;"; done
} >"$work/warm.sql"
{
  echo "PRAGMA synchronous=NORMAL;"
  echo ".timer on"
  for _ in $(seq 5000); do echo "INSERT INTO t(v) VALUES(randomblob(100));"; done
} >"$work/timed.sql"
for _ in 1 2 3 4; do sqlite3 "$work/mnt/stalls.db" <"$work/warm.sql" >/dev/null; done
for _ in $(seq "$runs"); do
  sqlite3 "$work/mnt/stalls.db" <"$work/timed.sql" 2>&1 | awk '/Run Time/ {print $4}' >"$work/ms.txt"
  python3 - "$work/ms.txt" <<'EOF'
import sys
ms = [float(x) * 1000 for x in open(sys.argv[1])]
slow = [x for x in ms if x > 3]
print("writes %d, total %.0f ms, over 3 ms: %d summing %.0f ms, longest %.0f ms"
      % (len(ms), sum(ms), len(slow), sum(slow), max(ms)))
EOF
done
