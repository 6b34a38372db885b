package dev.replicafs.replication.primary;

import dev.replicafs.replication.stream.StreamFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicas this primary knows, for the election step of synchronous replication (docs/SYNC.md,
 * "Election step"): a replica is known from the moment it opens a stream and for {@link
 * #FORGET_AFTER} after its last stream ended (the rule {@code SyncReplication} counts {@code k}
 * by), with the advertise URL and candidate flag it sent on its latest stream. {@link #snapshot} is
 * what the PEERS frame announces; {@link #version()} changes whenever the snapshot may have. The
 * hub owns it; thread-safe.
 */
public final class PeerDirectory {
  /** A replica whose last stream ended this long ago is forgotten. */
  public static final Duration FORGET_AFTER = Duration.ofMinutes(10);

  private static final class Entry {
    int open;
    long lastEnded;
    boolean candidate;
    Optional<String> advertiseUrl = Optional.empty();
  }

  private final Map<Long, Entry> peers = new TreeMap<>(Long::compareUnsigned);
  private long version;

  synchronized void opened(long peer, boolean candidate, Optional<String> advertiseUrl) {
    Entry e = peers.computeIfAbsent(peer, p -> new Entry());
    e.open++;
    e.candidate = candidate;
    if (advertiseUrl.isPresent()) {
      e.advertiseUrl = advertiseUrl;
    }
    version++;
  }

  synchronized void ended(long peer, long nowNanos) {
    Entry e = peers.get(peer);
    if (e != null) {
      e.open = Math.max(0, e.open - 1);
      e.lastEnded = nowNanos;
    }
  }

  /** Changes whenever the snapshot may differ from the last one taken. */
  synchronized long version(long nowNanos) {
    forget(nowNanos);
    return version;
  }

  /** The PEERS frame for now: {@code k} and the known replicas that gave an advertise URL. */
  synchronized StreamFrame.Peers snapshot(long nowNanos) {
    forget(nowNanos);
    List<StreamFrame.Peer> listed = new ArrayList<>();
    for (Map.Entry<Long, Entry> e : peers.entrySet()) {
      Optional<String> url = e.getValue().advertiseUrl;
      if (url.isPresent() && listed.size() < StreamFrame.Peers.MAX_PEERS) {
        listed.add(new StreamFrame.Peer(e.getKey(), e.getValue().candidate, url.get()));
      }
    }
    return new StreamFrame.Peers(Math.min(peers.size(), 0xFFFF), listed);
  }

  private void forget(long nowNanos) {
    long after = FORGET_AFTER.toNanos();
    if (peers.values().removeIf(e -> e.open == 0 && nowNanos - e.lastEnded > after)) {
      version++;
    }
  }
}
