package dev.replicafs.replication.sync;

import dev.replicafs.replication.ltx.Pos;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the primary knows about its replicas for synchronous replication (docs/SYNC.md): which
 * replicas are known (an open stream, or one that ended less than {@link #FORGET_AFTER_NANOS} ago),
 * the latest durable position each acknowledged per database, and the positions this node itself
 * recorded (so an acknowledgement of a diverged history never counts). Not thread-safe: {@link
 * SyncReplication} owns it and calls it under its lock.
 */
final class ReplicaAcks {
  /** A replica whose last stream ended this long ago stops counting for the quorum. */
  static final long FORGET_AFTER_NANOS =
      dev.replicafs.replication.primary.PeerDirectory.FORGET_AFTER.toNanos();

  /** Recorded positions kept per database. */
  static final int HISTORY = 4096;

  private static final class Peer {
    int openStreams;
    long lastEnded;
    final Map<String, Pos> durable = new HashMap<>();
  }

  private final Map<Long, Peer> peers = new HashMap<>();
  private final Map<String, TreeMap<Long, Long>> history = new HashMap<>();

  void opened(long peer) {
    peers.computeIfAbsent(peer, p -> new Peer()).openStreams++;
  }

  void ended(long peer, long nowNanos) {
    Peer p = peers.get(peer);
    if (p != null) {
      p.openStreams = Math.max(0, p.openStreams - 1);
      p.lastEnded = nowNanos;
    }
  }

  void acked(long peer, String db, Pos durable) {
    peers.computeIfAbsent(peer, p -> new Peer()).durable.put(db, durable);
  }

  /** This node recorded {@code pos} for {@code db} (commit, apply, recovery). */
  void recorded(String db, Pos pos) {
    TreeMap<Long, Long> h = history.computeIfAbsent(db, d -> new TreeMap<>());
    // a TXID at or below the newest one starts a new history (a snapshot replaced it, a drop)
    if (!h.isEmpty() && Long.compareUnsigned(pos.txid(), h.lastKey()) <= 0) {
      h.tailMap(pos.txid(), true).clear();
    }
    h.put(pos.txid(), pos.postApplyChecksum());
    while (h.size() > HISTORY) {
      h.pollFirstEntry();
    }
  }

  /** {@code db} was dropped: its TXIDs start over. */
  void dropped(String db) {
    history.remove(db);
  }

  /** Replicas with an open stream or one that ended within {@link #FORGET_AFTER_NANOS}. */
  int known(long nowNanos) {
    peers.values().removeIf(p -> p.openStreams == 0 && nowNanos - p.lastEnded > FORGET_AFTER_NANOS);
    return peers.size();
  }

  /**
   * How many replicas durably hold {@code target}: their acknowledged position is at or past its
   * TXID and is one this node recorded.
   */
  int count(String db, Pos target) {
    TreeMap<Long, Long> h = history.get(db);
    if (h == null) {
      return 0;
    }
    int n = 0;
    for (Peer p : peers.values()) {
      Pos d = p.durable.get(db);
      if (d != null
          && Long.compareUnsigned(d.txid(), target.txid()) >= 0
          && Long.valueOf(d.postApplyChecksum()).equals(h.get(d.txid()))) {
        n++;
      }
    }
    return n;
  }
}
