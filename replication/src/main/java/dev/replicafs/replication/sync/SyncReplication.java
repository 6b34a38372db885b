package dev.replicafs.replication.sync;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.primary.ReplicaSession;
import dev.replicafs.replication.primary.SessionListener;
import dev.replicafs.replication.primary.StreamHub;
import dev.replicafs.replication.store.CommitGate;
import dev.replicafs.replication.store.CommitNotConfirmedException;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.PositionEvent;
import dev.replicafs.replication.store.PositionListener;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.stream.Ack;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous replication (docs/SYNC.md): the store's {@link CommitGate} that makes a commit wait
 * until {@code one} replica or a {@code quorum} of the known replicas acknowledged it durable, with
 * the time-out and the {@code fail}/{@code async} fallback. It hears streams and acknowledgements
 * from the node's {@link StreamHub} and recorded positions from the store.
 *
 * <p>Life cycle: build it, pass it to {@code Store.builder().commitGate(...)}, then to the node
 * ({@code ReplicationNode.sync}), which {@link #attach attaches} it and closes it. Until attached
 * it knows no replica, so a synchronous commit times out.
 */
public final class SyncReplication
    implements CommitGate, SessionListener, PositionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncReplication.class);

  private final SyncOptions options;
  private final SyncMetrics metrics = new SyncMetrics();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ReplicaAcks acks = new ReplicaAcks();

  /** Degraded databases and the commit that timed out there (empty = in sync). */
  private final Map<String, Pos> marks = new LinkedHashMap<>();

  private Store store;
  private StreamHub hub;
  private boolean closed;

  public SyncReplication(SyncOptions options) {
    this.options = options;
  }

  /** The settings this gate enforces. */
  public SyncOptions options() {
    return options;
  }

  /** Starts hearing {@code hub}'s streams and {@code store}'s positions. */
  public void attach(Store store, StreamHub hub) {
    lock.lock();
    try {
      if (this.store != null) {
        throw new IllegalStateException("already attached");
      }
      this.store = store;
      this.hub = hub;
      for (Db db : store.dbs()) {
        acks.recorded(db.name(), db.pos());
      }
    } finally {
      lock.unlock();
    }
    store.addListener(this);
    hub.sessionListener(this);
    hub.promptAcks(true);
  }

  /** Registers the metrics in a node's registry. */
  public void register(PrometheusRegistry registry) {
    metrics.register(registry, this::degraded);
  }

  /** Whether replication is degraded to asynchronous (fallback {@code async} after a time-out). */
  public boolean degraded() {
    lock.lock();
    try {
      return !marks.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Commits by outcome ({@code acked}, {@code degraded}, {@code failed}), for tests and tools. */
  public long commits(String outcome) {
    return metrics.commits(outcome);
  }

  @Override
  public void awaitCommitted(PositionEvent event) throws CommitNotConfirmedException {
    if (options.mode() == SyncOptions.Mode.NONE) {
      return;
    }
    long deadline = System.nanoTime() + options.timeout().toNanos();
    int acked;
    int required;
    lock.lock();
    try {
      if (!marks.isEmpty()) {
        metrics.commit("degraded");
        return;
      }
      while (true) {
        required = options.required(acks.known(System.nanoTime()));
        acked = acks.count(event.db(), event.pos());
        if (acked >= required) {
          metrics.commit("acked");
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          break;
        }
        changed.awaitNanos(left);
      }
      metrics.timeout(options.fallback());
      if (options.fallback() == SyncOptions.Fallback.ASYNC) {
        if (marks.isEmpty()) {
          log.warn(
              "sync replication degraded to async: db={} txid={} acked={} required={} timeout={}",
              event.db(),
              event.pos().txid(),
              acked,
              required,
              options.timeout());
        }
        marks.put(event.db(), event.pos());
        metrics.commit("degraded");
        return;
      }
      metrics.commit("failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      metrics.commit("failed");
      throw new CommitNotConfirmedException(
          "interrupted waiting for replicas: db=" + event.db() + " txid=" + event.pos().txid());
    } finally {
      lock.unlock();
    }
    log.warn(
        "sync commit not confirmed: db={} txid={} acked={} required={} timeout={}",
        event.db(),
        event.pos().txid(),
        acked,
        required,
        options.timeout());
    throw new CommitNotConfirmedException(
        "commit not confirmed by replicas: db="
            + event.db()
            + " txid="
            + event.pos().txid()
            + " acked="
            + acked
            + " required="
            + required
            + " within "
            + options.timeout());
  }

  @Override
  public void positionChanged(PositionEvent event) {
    lock.lock();
    try {
      if (event.cause() == PositionEvent.Cause.DROP) {
        acks.dropped(event.db());
        marks.remove(event.db());
      } else {
        acks.recorded(event.db(), event.pos());
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void opened(ReplicaSession session) {
    lock.lock();
    try {
      acks.opened(session.peer());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void acked(ReplicaSession session, Ack ack) {
    lock.lock();
    try {
      acks.acked(session.peer(), ack.db(), ack.durable());
      if (!marks.isEmpty()) {
        recoverIfCaughtUp();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void ended(ReplicaSession session) {
    lock.lock();
    try {
      acks.ended(session.peer(), System.nanoTime());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Caller holds the lock: leaves the degraded state once every mark is acknowledged. */
  private void recoverIfCaughtUp() {
    int required = options.required(acks.known(System.nanoTime()));
    for (Iterator<Map.Entry<String, Pos>> it = marks.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Pos> m = it.next();
      if (acks.count(m.getKey(), m.getValue()) >= required) {
        it.remove();
      }
    }
    if (marks.isEmpty()) {
      log.info("sync replication restored: required={}", required);
    }
  }

  /** Stops hearing the store and the hub; waiting commits time out at once. Idempotent. */
  @Override
  public void close() {
    Store s;
    StreamHub h;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      s = store;
      h = hub;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (s != null) {
      s.removeListener(this);
    }
    if (h != null) {
      h.sessionListener(SessionListener.NONE);
      h.promptAcks(false);
    }
  }
}
