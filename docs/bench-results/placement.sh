#!/usr/bin/env bash
# Single-row WAL+NORMAL transactions/s on the raw disk, the C FUSE baseline and ReplicaFS (a primary
# with one replica streaming) under three CPU placements, alternated round by round
# (docs/BENCHMARKS.md, "Where the threads run"). Needs two CPUs, root, sqlite3, taskset and the
# C baseline of ../shared/bench/fuse-baseline mounted with PT_LOCK=1.
#
#   docs/bench-results/placement.sh JAR BASELINE_MOUNT BASELINE_PID [ROUNDS]
#
# With REPLICAS=0 in the environment the primary runs alone (the mount without replication).
#
# Placements (the client is the sqlite3 process; "daemons" are the baseline's process and the
# ReplicaFS primary; the replica is the second node):
#   free       no affinity set: the kernel places every thread
#   same-cpu   client and daemons on CPU 0, the replica on CPU 1
#   split      client on CPU 0, daemons and the replica on CPU 1
set -euo pipefail

jar=${1:?usage: placement.sh JAR BASELINE_MOUNT BASELINE_PID [ROUNDS]}
baseline=${2:?usage: placement.sh JAR BASELINE_MOUNT BASELINE_PID [ROUNDS]}
baseline_pid=${3:?usage: placement.sh JAR BASELINE_MOUNT BASELINE_PID [ROUNDS]}
rounds=${4:-3}
for tool in sqlite3 taskset java; do
  command -v "$tool" >/dev/null || { echo "placement.sh: $tool is not installed" >&2; exit 2; }
done
[ "$(nproc)" -ge 2 ] || { echo "placement.sh: needs at least two CPUs" >&2; exit 2; }
grep -qs " $baseline fuse" /proc/mounts || { echo "placement.sh: $baseline is not a FUSE mount" >&2; exit 2; }
kill -0 "$baseline_pid" 2>/dev/null || { echo "placement.sh: no process $baseline_pid" >&2; exit 2; }

work=$(mktemp -d /tmp/placement.XXXXXX)
pids=()
cleanup() {
  taskset -apc 0-1 "$baseline_pid" >/dev/null 2>&1 || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  fusermount -uz "$work/p-mnt" 2>/dev/null || true
  fusermount -uz "$work/r-mnt" 2>/dev/null || true
  rm -f "$baseline"/placement.db*
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work"/{p-data,p-mnt,r-data,r-mnt,raw}
node_config() { # name port candidate: a node streaming from (or being) the primary on 20971
  cat >"$work/$1.yml" <<EOF
data: {dir: $work/$1-data}
fuse: {dir: $work/$1-mnt}
http: {addr: "127.0.0.1:$2"}
lease: {type: static, hostname: p, advertise-url: "http://127.0.0.1:20971", candidate: $3}
EOF
}
node_config p 20971 true
node_config r 20972 false
{
  echo "PRAGMA journal_mode=WAL;"
  echo "PRAGMA synchronous=NORMAL;"
  echo "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v BLOB);"
  for _ in $(seq 5000); do echo "BEGIN IMMEDIATE; INSERT INTO t(v) VALUES(randomblob(100)); COMMIT;"; done
} >"$work/w.sql"

start_node() { # config mountpoint
  java -Xmx512m -jar "$jar" mount -config "$1" >"$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do grep -qs " $2 fuse" /proc/mounts && return 0; sleep 0.1; done
  echo "placement.sh: node did not mount $2; see $1.log" >&2
  exit 1
}
start_node "$work/p.yml" "$work/p-mnt"
primary=${pids[0]}
replica=
if [ "${REPLICAS:-1}" != 0 ]; then
  start_node "$work/r.yml" "$work/r-mnt"
  replica=${pids[1]}
fi

run() { # db [taskset prefix...]: prints transactions/s
  local db=$1
  shift
  local s e
  s=$(date +%s%N)
  "$@" sqlite3 "$db" <"$work/w.sql" >/dev/null
  e=$(date +%s%N)
  echo -n "$((5000 * 1000000000 / (e - s))) "
  sleep 0.5
}
# Warm-up: the JIT of both nodes, and every database exists before the first timed run.
for _ in 1 2 3 4; do run "$work/p-mnt/placement.db"; run "$baseline/placement.db"; done
run "$work/raw/placement.db"
echo
echo "transactions/s: raw baseline replicafs"

place() { # client-cpus daemon-cpus replica-cpus
  taskset -apc "$2" "$primary" >/dev/null
  taskset -apc "$2" "$baseline_pid" >/dev/null
  [ -z "$replica" ] || taskset -apc "$3" "$replica" >/dev/null
  client=(taskset -c "$1")
}
for r in $(seq "$rounds"); do
  place 0-1 0-1 0-1
  echo -n "round $r free:     "
  for db in "$work/raw" "$baseline" "$work/p-mnt"; do run "$db/placement.db" "${client[@]}"; done
  echo
  place 0 0 1
  echo -n "round $r same-cpu: "
  for db in "$work/raw" "$baseline" "$work/p-mnt"; do run "$db/placement.db" "${client[@]}"; done
  echo
  place 0 1 1
  echo -n "round $r split:    "
  for db in "$work/raw" "$baseline" "$work/p-mnt"; do run "$db/placement.db" "${client[@]}"; done
  echo
done
