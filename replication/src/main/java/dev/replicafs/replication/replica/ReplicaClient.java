package dev.replicafs.replication.replica;

import dev.replicafs.lease.ClusterId;
import dev.replicafs.replication.http.NodeApiException;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.store.StoreException;
import dev.replicafs.replication.stream.PositionMap;
import dev.replicafs.replication.stream.StreamFrame;
import dev.replicafs.replication.stream.StreamProtocolException;
import dev.replicafs.replication.stream.StreamReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica's store in step with the primary, on one named thread.
 *
 * <pre>
 *   ┌──────────► connect: POST /stream with the position map (filtered by lease.databases)
 *   │               check the cluster ID (adopt when this node has none, refuse a different one)
 *   │            read frames: LTX → {@link ApplyBatch} (applied as a group once no further
 *   │                         byte is waiting); READY → ready; HEARTBEAT → lag;
 *   │                         PEERS → observer; HANDOFF → observer, end; END → end
 *   └── backoff ◄─ any error, END, or no byte for idleTimeout (watchdog closes the stream)
 * </pre>
 *
 * The wait before reconnecting starts at {@code lease.reconnect-delay}, doubles after each failed
 * attempt up to the cap, and starts over once a stream reached READY. {@link #close()} stops the
 * thread and closes the stream; it is idempotent.
 */
public final class ReplicaClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaClient.class);

  /** Bytes of the stream read ahead of the replica ({@link ReadAheadInputStream}). */
  private static final int READ_AHEAD = 8 << 20;

  private final Store store;
  private final NodeClient primary;
  private final ReplicaOptions options;
  private final ReplicaObserver observer;
  private final ReplicaLag lag;
  private final LtxFrameApplier applier;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final IdleWatchdog watchdog;
  private final Thread thread;
  private volatile boolean ready;
  private volatile String lastError;
  private volatile boolean closed;
  private volatile ReadAheadInputStream stream;

  public ReplicaClient(
      Store store,
      NodeClient primary,
      ReplicaOptions options,
      Clock clock,
      ReplicaObserver observer) {
    this.store = store;
    this.primary = primary;
    this.options = options;
    this.observer = observer;
    this.lag = new ReplicaLag(clock);
    this.applier = new LtxFrameApplier(store, options, lag);
    this.thread = new Thread(this::loop, "replicafs-replica");
    this.thread.setDaemon(true);
    this.watchdog = new IdleWatchdog(options.idleTimeout(), primary.base().toString());
  }

  /** Starts replicating in the background. */
  public void start() {
    thread.start();
  }

  /** Whether the current stream finished its initial catch-up. */
  public boolean isReady() {
    return ready;
  }

  /** How far this replica is behind the primary (see {@link ReplicaLag}). */
  public Duration lag() {
    return lag.lag();
  }

  /**
   * Bytes of the current stream that reached this replica so far, applied or not; 0 between
   * streams.
   */
  public long bytesReceived() {
    ReadAheadInputStream s = stream;
    return s == null ? 0 : s.arrived();
  }

  /** The message of the last failure that ended a stream, if any (for operators and tests). */
  public java.util.Optional<String> lastError() {
    return java.util.Optional.ofNullable(lastError);
  }

  /** The primary this client streams from. */
  public NodeClient primary() {
    return primary;
  }

  private void loop() {
    Duration delay = options.reconnectDelay();
    while (!closed) {
      boolean reachedReady = false;
      try {
        reachedReady = session();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          lastError = describe(e);
          log.warn(
              "replication stream failed, reconnecting: primary={} delay={} reason={}",
              primary.base(),
              delay,
              e.toString());
        }
      } finally {
        ready = false;
        observer.disconnected();
      }
      if (reachedReady) {
        delay = options.reconnectDelay();
      }
      pause(delay);
      if (!reachedReady) {
        Duration doubled = delay.multipliedBy(2);
        delay =
            doubled.compareTo(options.maxReconnectDelay()) > 0
                ? options.maxReconnectDelay()
                : doubled;
      }
    }
  }

  /** One stream; returns whether it reached READY. */
  private boolean session() throws IOException, InterruptedException {
    if (store.isPrimary()) {
      throw new IllegalStateException("this node is the primary; it does not replicate");
    }
    Optional<String> local = store.clusterId();
    NodeClient.StreamResponse res = primary.openStream(positions(), options.databases(), local);
    ProgressInputStream in = new ProgressInputStream(res.body());
    watchdog.watch(in);
    boolean reachedReady = false;
    AckSender acks = null;
    ApplyBatch batch = null;
    ReadAheadInputStream ahead = null;
    try {
      checkCluster(local, res.clusterId());
      observer.connected(res.nodeId());
      if (res.streamId().isPresent()) {
        acks = new AckSender(primary, res.streamId().get(), store.clusterId(), res.ackDelay());
        acks.updateAll(store, options::wants);
      }
      if (closed) {
        return false;
      }
      AckSender ackTo = acks;
      ahead = new ReadAheadInputStream(in, READ_AHEAD);
      stream = ahead;
      batch =
          new ApplyBatch(
              applier,
              (db, pos) -> {
                if (ackTo != null) {
                  ackTo.update(db, pos);
                }
              },
              ahead::arrived);
      CountingInputStream parsed = new CountingInputStream(new BufferedInputStream(ahead, 1 << 16));
      StreamReader reader = new StreamReader(parsed);
      reader.readPreamble();
      while (!closed) {
        StreamFrame f = reader.next();
        if (f instanceof StreamFrame.Ltx ltx) {
          if (store.isPrimary()) {
            throw new IllegalStateException("this node became primary; stopping replication");
          }
          batch.offer(ltx, reader.ltxBody());
        } else if (f instanceof StreamFrame.Heartbeat hb) {
          lag.observe(hb.primaryTimeMillis());
        } else {
          batch.flush();
          if (f instanceof StreamFrame.Ready) {
            reachedReady = true;
            ready = true;
            log.info("replica ready: primary={}", primary.base());
            if (acks != null) {
              acks.updateAll(store, options::wants);
            }
            observer.ready();
          } else if (f instanceof StreamFrame.Peers peers) {
            observer.peers(peers);
          } else if (f instanceof StreamFrame.Handoff h) {
            observer.handoff(h.token());
            return reachedReady;
          } else if (f instanceof StreamFrame.End) {
            log.info("primary ended the stream: primary={}", primary.base());
            return reachedReady;
          }
        }
        // Apply the group once the parser has reached what had arrived when its first file was
        // received: frames that queued up while the previous group was applied join it, frames
        // that arrive later wait for the next group instead of holding this one back.
        if (batch.due(parsed.consumed())) {
          batch.flush();
        }
      }
      return reachedReady;
    } finally {
      if (batch != null) {
        try {
          batch.close();
        } catch (IOException e) {
          log.debug("could not discard received ltx files: reason={}", e.toString());
        }
      }
      if (acks != null) {
        acks.close();
      }
      watchdog.watch(null);
      stream = null;
      if (ahead != null) {
        ahead.close();
      }
      in.close();
    }
  }

  private PositionMap positions() {
    TreeMap<String, Pos> map = new TreeMap<>();
    for (Db db : store.dbs()) {
      Pos p = db.pos();
      if (!p.isZero() && options.wants(db.name())) {
        map.put(db.name(), p);
      }
    }
    return new PositionMap(map);
  }

  private void checkCluster(Optional<String> local, Optional<String> remote) throws IOException {
    if (remote.isEmpty()) {
      if (local.isPresent()) {
        throw new ClusterMismatchException(
            "primary at "
                + primary.base()
                + " has no cluster ID but this node belongs to cluster "
                + local.get()
                + "; point lease.advertise-url at a primary of that cluster");
      }
      return;
    }
    String id = new ClusterId(remote.get()).value();
    if (local.isEmpty()) {
      store.setClusterId(id);
      log.info("adopted the primary's cluster id: cluster={}", id);
    } else if (!local.get().equals(id)) {
      throw new ClusterMismatchException(
          "cluster ID mismatch: this node's data directory belongs to cluster "
              + local.get()
              + " but the primary at "
              + primary.base()
              + " belongs to cluster "
              + id
              + "; refusing to replicate (use a fresh data directory to join that cluster)");
    }
  }

  /** A one-line reason: protocol and position errors as they are, transport errors named so. */
  private static String describe(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof StreamProtocolException
        || e instanceof ClusterMismatchException
        || e instanceof PositionMismatchException
        || e instanceof NodeApiException
        || e instanceof StoreException) {
      return message;
    }
    Throwable cause = e.getCause();
    return "lost the stream from the primary: "
        + message
        + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : "");
  }

  private void pause(Duration delay) {
    lock.lock();
    try {
      long nanos = delay.toNanos();
      while (!closed && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /** Stops replicating and waits for the thread; idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    watchdog.closeWatched();
    watchdog.close();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
