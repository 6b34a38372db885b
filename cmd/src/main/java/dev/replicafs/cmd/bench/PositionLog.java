package dev.replicafs.cmd.bench;

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
    long now = System.nanoTime();
    synchronized (this) {
      byDb.computeIfAbsent(event.db(), k -> new ArrayList<>())
          .add(new long[] {event.pos().txid(), now});
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
