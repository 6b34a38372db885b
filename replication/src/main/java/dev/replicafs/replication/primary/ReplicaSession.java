package dev.replicafs.replication.primary;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.stream.Ack;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The primary's view of one open replica stream (docs/PROTOCOL.md, "Acknowledgements"): who is on
 * the other end, which databases it carries, the latest position it acknowledged per database, and
 * a pending HANDOFF for its sender. The stream's sender thread owns the writing; the ack endpoint's
 * thread records acknowledgements; the role machine's thread waits in {@link #awaitAcked}.
 */
public final class ReplicaSession {
  private final String id;
  private final long peer;
  private final boolean candidate;
  private final Predicate<String> filter;
  private final DirtySet dirty;
  private final java.util.function.BiConsumer<ReplicaSession, Ack> onAck;
  private final Optional<String> advertiseUrl;
  private final PeerDirectory directory;
  private long announced = -1; // the sender thread's: directory version last sent
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Ack> acks = new HashMap<>();
  private String pendingHandoff;
  private CompletableFuture<Void> handoffSent;
  private boolean ended;

  ReplicaSession(
      String id,
      long peer,
      boolean candidate,
      Predicate<String> filter,
      DirtySet dirty,
      java.util.function.BiConsumer<ReplicaSession, Ack> onAck,
      Optional<String> advertiseUrl,
      PeerDirectory directory) {
    this.onAck = onAck;
    this.advertiseUrl = advertiseUrl;
    this.directory = directory;
    this.id = id;
    this.peer = peer;
    this.candidate = candidate;
    this.filter = filter;
    this.dirty = dirty;
  }

  /** The stream ID sent in {@code ReplicaFS-Stream-Id}. */
  public String id() {
    return id;
  }

  /** The replica's node ID. */
  public long peer() {
    return peer;
  }

  /** Whether the replica said it may take the lease (true when it did not say). */
  public boolean candidate() {
    return candidate;
  }

  /**
   * The replica's advertise URL, sent on {@code POST /stream}; its presence also says the replica
   * reads PEERS frames (docs/PROTOCOL.md).
   */
  public Optional<String> advertiseUrl() {
    return advertiseUrl;
  }

  /**
   * For the sender: the PEERS frame to write now, when this replica reads them and the known
   * replicas changed since the last one it was sent.
   */
  Optional<dev.replicafs.replication.stream.StreamFrame.Peers> peersToAnnounce() {
    if (advertiseUrl.isEmpty()) {
      return Optional.empty();
    }
    long now = System.nanoTime();
    long v = directory.version(now);
    if (v == announced) {
      return Optional.empty();
    }
    announced = v;
    return Optional.of(directory.snapshot(now));
  }

  /** Records an acknowledgement (the latest per database wins). */
  public void ack(Ack ack) {
    lock.lock();
    try {
      acks.put(ack.db(), ack);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    onAck.accept(this, ack);
  }

  /** The latest acknowledgement for {@code db}, if any. */
  public Optional<Ack> acked(String db) {
    lock.lock();
    try {
      return Optional.ofNullable(acks.get(db));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until this replica acknowledged having applied exactly the positions {@code target}
   * returns (re-read on every acknowledgement and every 20 ms, so a commit still completing is
   * waited for too; null from {@code target} means "not final yet"). Databases outside the stream's
   * filter and at TXID 0 are not waited for.
   *
   * @return true when acknowledged, false on time-out or when the stream ended
   */
  public boolean awaitAcked(Supplier<Map<String, Pos>> target, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        if (ended) {
          return false;
        }
        if (caughtUp(target.get())) {
          return true;
        }
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
          return false;
        }
        // positions also move without an acknowledgement (a commit completing): re-read often
        changed.awaitNanos(Math.min(nanos, 20_000_000L));
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean caughtUp(Map<String, Pos> target) {
    if (target == null) {
      return false; // positions not final yet
    }
    for (Map.Entry<String, Pos> e : target.entrySet()) {
      if (!filter.test(e.getKey()) || e.getValue().txid() == 0) {
        continue;
      }
      Ack a = acks.get(e.getKey());
      if (a == null || !a.applied().equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Asks the sender to write HANDOFF with {@code token} and end; completes once written. */
  CompletableFuture<Void> requestHandoff(String token) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    lock.lock();
    try {
      if (ended) {
        sent.completeExceptionally(new IllegalStateException("the stream already ended"));
        return sent;
      }
      pendingHandoff = token;
      handoffSent = sent;
    } finally {
      lock.unlock();
    }
    dirty.wake();
    return sent;
  }

  /** For the sender: the token of a requested handoff, if any. */
  Optional<String> pendingHandoff() {
    lock.lock();
    try {
      return Optional.ofNullable(pendingHandoff);
    } finally {
      lock.unlock();
    }
  }

  /** For the sender: the HANDOFF frame was written and flushed. */
  void handoffWritten() {
    CompletableFuture<Void> f;
    lock.lock();
    try {
      f = handoffSent;
      handoffSent = null;
      pendingHandoff = null;
    } finally {
      lock.unlock();
    }
    if (f != null) {
      f.complete(null);
    }
  }

  /** Wakes the sender so it re-checks whether this node still serves. */
  void wake() {
    dirty.wake();
  }

  /** The stream ended (END, HANDOFF, or broken); waiters and a pending handoff fail. */
  void end() {
    CompletableFuture<Void> f;
    lock.lock();
    try {
      ended = true;
      f = handoffSent;
      handoffSent = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (f != null) {
      f.completeExceptionally(new IllegalStateException("the stream ended before HANDOFF"));
    }
  }

  /** Whether the stream ended. */
  public boolean ended() {
    lock.lock();
    try {
      return ended;
    } finally {
      lock.unlock();
    }
  }
}
