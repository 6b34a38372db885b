#!/usr/bin/env bash
# CPU time and context switches of one process's threads while a command runs, summed by thread
# name (trailing digits dropped: replicafs-sync-1 and replicafs-sync-2 count as replicafs-sync),
# each divided by N (the command's transaction count) to give per-transaction figures.
# Used for docs/BENCHMARKS.md, "Where the threads run".
#
#   docs/bench-results/thread-cpu.sh PID N COMMAND...
#   e.g. docs/bench-results/thread-cpu.sh "$(pgrep -f 'mount -config p.yml')" 5000 sqlite3 mnt/x.db <w.sql
set -euo pipefail

pid=${1:?usage: thread-cpu.sh PID N COMMAND...}
n=${2:?usage: thread-cpu.sh PID N COMMAND...}
shift 2
[ -d "/proc/$pid" ] || { echo "thread-cpu.sh: no process $pid" >&2; exit 2; }
tick=$(getconf CLK_TCK)

snapshot() { # tid cpu-ticks switches name
  local t name stat switches
  for t in /proc/"$pid"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null) || continue
    read -r -a stat <"$t/stat" 2>/dev/null || continue
    switches=$(awk '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {w = $2} END {print v + w}' "$t/status" 2>/dev/null) || continue
    # comm may hold spaces, which shift the fields of stat: count from the end instead
    local k=${#stat[@]}
    echo "${t##*/} $((stat[k - 39] + stat[k - 38])) $switches ${name// /_}"
  done | sort
}

before=$(snapshot)
"$@"
after=$(snapshot)
printf "%-20s %12s %14s\n" "thread" "CPU us/tx" "switches/tx"
join <(echo "$before") <(echo "$after") |
  awk -v n="$n" -v tick="$tick" '
    { name = $4; sub(/[-0-9]+$/, "", name)
      cpu[name] += ($5 - $2) * 1e6 / tick / n; sw[name] += ($6 - $3) / n
      tc += ($5 - $2) * 1e6 / tick / n; ts += ($6 - $3) / n }
    END { for (k in cpu) if (cpu[k] > 0 || sw[k] > 0.005) printf "%-20s %12.1f %14.2f\n", k, cpu[k], sw[k]
          printf "%-20s %12.1f %14.2f\n", "TOTAL", tc, ts }' | sort -k2 -rn
