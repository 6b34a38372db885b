package dev.replicafs.replication.sync;

import dev.replicafs.replication.ltx.Pos;
import java.util.Map;
import java.util.Objects;

/**
 * The failover rule of synchronous replication (docs/SYNC.md, "Failover"): with {@code k} known
 * replicas and {@code W} acknowledgements per commit, every acknowledged commit is on at least
 * {@code W} replicas, so any {@code k - W + 1} replicas include one that holds it. A candidate may
 * acquire the lease only when it knows the positions of at least that many replicas (itself
 * included) and, for every database, none of them is ahead of it; on a tie the lowest node ID wins.
 * Pure: the caller collects the positions.
 */
public final class ElectionRule {
  private ElectionRule() {}

  /** The outcome: whether to acquire, and why not. */
  public record Decision(boolean mayAcquire, String reason) {
    public Decision {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * @param mode the cluster's {@code replication.sync}
   * @param known {@code k}, the replicas the old primary knew (at least 1, the candidate)
   * @param self the candidate's node ID
   * @param positions the positions per database of every replica reached, the candidate included
   *     (keyed by node ID)
   */
  public static Decision decide(
      SyncOptions.Mode mode, int known, long self, Map<Long, Map<String, Pos>> positions) {
    Map<String, Pos> mine = positions.get(self);
    if (mine == null) {
      throw new IllegalArgumentException("the candidate's own positions are missing");
    }
    if (mode == SyncOptions.Mode.NONE) {
      return new Decision(true, "asynchronous: no acknowledged commits to protect");
    }
    int k = Math.max(known, 1);
    int w =
        Math.min(
            new SyncOptions(mode, java.time.Duration.ofSeconds(1), SyncOptions.Fallback.FAIL)
                .required(k),
            k);
    int needed = k - w + 1;
    if (positions.size() < needed) {
      return new Decision(
          false,
          "reached "
              + positions.size()
              + " of the "
              + needed
              + " replicas needed (k="
              + k
              + " w="
              + w
              + ")");
    }
    for (Map.Entry<Long, Map<String, Pos>> peer : positions.entrySet()) {
      long id = peer.getKey();
      if (id == self) {
        continue;
      }
      for (Map.Entry<String, Pos> db : peer.getValue().entrySet()) {
        long theirs = db.getValue().txid();
        long ours = mine.getOrDefault(db.getKey(), Pos.ZERO).txid();
        int c = Long.compareUnsigned(theirs, ours);
        if (c > 0 || (c == 0 && theirs != 0 && Long.compareUnsigned(id, self) < 0)) {
          return new Decision(
              false,
              "node "
                  + Long.toHexString(id)
                  + " is "
                  + (c > 0 ? "ahead" : "level, lower ID")
                  + " on db="
                  + db.getKey()
                  + " ("
                  + theirs
                  + " vs "
                  + ours
                  + ")");
        }
      }
    }
    return new Decision(true, "holds every acknowledged transaction among " + positions.size());
  }
}
