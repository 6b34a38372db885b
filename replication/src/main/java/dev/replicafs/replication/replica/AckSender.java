package dev.replicafs.replication.replica;

import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.stream.Ack;
import dev.replicafs.replication.stream.AckCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's acknowledgement channel for one stream: one long-lived {@code POST
 * /stream/ack?stream=} whose chunked body carries ACK frames (docs/PROTOCOL.md,
 * "Acknowledgements"). {@link #update} only records the latest position per database; the thread
 * {@code replicafs-replica-ack} encodes and sends them, so applying never waits for the channel.
 * With the primary's {@code ReplicaFS-Ack-Delay} (its commits do not wait for acknowledgements) the
 * thread sends at most once per delay, the newest position per database. A refused or broken
 * channel is logged once; the stream goes on without acknowledgements.
 */
final class AckSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AckSender.class);

  private final String streamId;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition pendingChanged = lock.newCondition();

  /** Signalled only by {@link #close}: the wait for the delay is not woken by every update. */
  private final Condition closing = lock.newCondition();

  private final long delayNanos;

  /** {@link System#nanoTime} of the last send; the thread's own. */
  private long lastSent;

  /** Whether the thread waits for a first pending acknowledgement (only then is it signalled). */
  private boolean idle;

  private final Map<String, Ack> pending = new LinkedHashMap<>();
  private final ExecutorService delivery =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "replicafs-replica-ack-publish");
            t.setDaemon(true);
            return t;
          });
  private final SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>(delivery, 256);
  private final Thread thread;
  private volatile boolean failed;
  private boolean closed;

  /**
   * Opens the request at once; acknowledgements follow as {@link #update} records them, each at
   * once when {@code delay} is zero, else at least {@code delay} after the previous send (the
   * primary's {@code ReplicaFS-Ack-Delay}: the newest position per database then goes in one send).
   */
  AckSender(
      NodeClient primary, String streamId, Optional<String> clusterId, java.time.Duration delay) {
    this.streamId = streamId;
    this.delayNanos = delay.toNanos();
    this.lastSent = System.nanoTime() - delayNanos;
    primary
        .openAck(streamId, body, clusterId)
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                failed = true;
                log.warn(
                    "acknowledgement channel refused or broken: stream={} reason={}",
                    streamId,
                    e.getCause() == null ? e.toString() : e.getCause().getMessage());
              }
            });
    this.thread = new Thread(this::run, "replicafs-replica-ack");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Records {@code db} applied (and durable) at {@code pos}. */
  void update(String db, Pos pos) {
    if (pos.isZero()) {
      return;
    }
    lock.lock();
    try {
      pending.put(db, Ack.applied(db, pos));
      if (idle) {
        pendingChanged.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Records every database of {@code store} that {@code wanted} accepts. */
  void updateAll(Store store, Predicate<String> wanted) {
    for (Db db : store.dbs()) {
      if (wanted.test(db.name())) {
        update(db.name(), db.pos());
      }
    }
  }

  private void run() {
    try {
      // a SubmissionPublisher drops what is submitted before the HTTP client subscribed
      lock.lock();
      try {
        while (body.getNumberOfSubscribers() == 0 && !closed && !failed) {
          pendingChanged.await(5, TimeUnit.MILLISECONDS);
        }
      } finally {
        lock.unlock();
      }
      body.submit(ByteBuffer.wrap(AckCodec.preamble()));
      while (true) {
        List<Ack> batch;
        lock.lock();
        try {
          idle = true;
          while (pending.isEmpty() && !closed) {
            pendingChanged.await();
          }
          idle = false;
          // With a delay, later updates replace these in the map until it is over: one send.
          long until = lastSent + delayNanos;
          long left;
          while (delayNanos > 0 && !closed && (left = until - System.nanoTime()) > 0) {
            closing.awaitNanos(left);
          }
          if (closed) {
            return;
          }
          batch = new ArrayList<>(pending.values());
          pending.clear();
          lastSent = System.nanoTime();
        } finally {
          lock.unlock();
        }
        for (Ack ack : batch) {
          if (failed || body.isClosed()) {
            return;
          }
          body.submit(ByteBuffer.wrap(AckCodec.encode(ack)));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IllegalStateException e) {
      log.debug("acknowledgement body closed: stream={}", streamId);
    }
  }

  /** Ends the body (the primary answers 200) and stops the thread; idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      pendingChanged.signalAll();
      closing.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    body.close();
    delivery.shutdown();
    try {
      delivery.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
