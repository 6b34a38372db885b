package dev.replicafs.cmd.bench;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.PositionEvent;
import dev.replicafs.replication.store.PositionListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When (by {@link System#nanoTime}, which is CLOCK_MONOTONIC on Linux and so comparable between the
 * benchmark's processes) each database reached each TXID on this node. The lag workload compares
 * the primary's commit instants with the replicas' apply instants.
 */
final class PositionLog implements PositionListener {
  private final Map<String, List<long[]>> byDb = new HashMap<>();

  @Override
  public void positionChanged(PositionEvent event) {
    record(event.db(), event.pos().txid());
  }

  /**
   * A primary's WAL commit, before its file is named: the instant the application's commit
   * returned, which is what lag is measured from. The later named event of the same TXID is ignored
   * by the reader (first instant per TXID wins).
   */
  @Override
  public void committed(String db, Pos pos) {
    record(db, pos.txid());
  }

  private void record(String db, long txid) {
    long now = System.nanoTime();
    synchronized (this) {
      byDb.computeIfAbsent(db, k -> new ArrayList<>()).add(new long[] {txid, now});
    }
  }

  /** "txid:nanos ..." recorded for {@code db} since the last drain. */
  synchronized String drain(String db) {
    List<long[]> list = byDb.remove(db);
    if (list == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(list.size() * 24);
    for (long[] e : list) {
      sb.append(e[0]).append(':').append(e[1]).append(' ');
    }
    return sb.toString().trim();
  }
}
