package dev.replicafs.replication.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replicafs.replication.store.PositionEvent;
import dev.replicafs.replication.store.PositionListener;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

/**
 * The {@code /events} feed: NDJSON lines in LiteFS's shapes.
 *
 * <pre>
 * {"type":"init","data":{"isPrimary":true,"hostname":"node-a"}}
 * {"type":"tx","db":"app.db","data":{"txID":"0000000000000002","postApplyChecksum":"…",
 *   "pageSize":4096,"commit":3,"timestamp":"2026-11-22T01:02:03.456Z"}}
 * {"type":"primaryChange","data":{"isPrimary":false,"hostname":"node-b"}}
 * </pre>
 *
 * Each subscriber has a buffer of 1024 events; one that falls further behind is disconnected (as in
 * LiteFS) rather than slowing commits or growing without bound.
 */
public final class EventHub implements PositionListener, AutoCloseable {
  static final int BUFFER = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLOSED = "";

  private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();
  private volatile boolean closed;

  /** One reader of the feed. */
  final class Subscription implements AutoCloseable {
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(BUFFER + 1);
    private volatile boolean overflowed;

    private void offer(String line) {
      if (!queue.offer(line)) {
        overflowed = true;
        queue.clear();
        queue.offer(CLOSED);
      }
    }

    /** The next line, null on time-out; throws when the subscription ended. */
    String next(long millis) throws InterruptedException, EndedException {
      String line = queue.poll(millis, TimeUnit.MILLISECONDS);
      if (line == CLOSED) {
        throw new EndedException(overflowed);
      }
      return line;
    }

    private void end() {
      if (!queue.offer(CLOSED)) {
        queue.clear();
        queue.offer(CLOSED);
      }
    }

    @Override
    public void close() {
      subscribers.remove(this);
    }
  }

  /** The subscription ended: the hub closed or the reader fell behind. */
  static final class EndedException extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean overflowed;

    EndedException(boolean overflowed) {
      super(null, null, false, false);
      this.overflowed = overflowed;
    }
  }

  /** Subscribes; the first line is the init event. */
  Subscription subscribe(boolean isPrimary, String primaryHostname) {
    Subscription s = new Subscription();
    s.offer(line("init", null, role(isPrimary, primaryHostname)));
    subscribers.add(s);
    if (closed) {
      s.end();
    }
    return s;
  }

  /** Publishes a role change. */
  public void primaryChanged(boolean isPrimary, String primaryHostname) {
    publish(line("primaryChange", null, role(isPrimary, primaryHostname)));
  }

  @Override
  public void positionChanged(PositionEvent event) {
    if (subscribers.isEmpty()) {
      return; // called on every commit: build nothing nobody reads
    }
    ObjectNode data = JSON.createObjectNode();
    data.put("txID", String.format("%016x", event.pos().txid()));
    data.put("postApplyChecksum", String.format("%016x", event.pos().postApplyChecksum()));
    data.put("pageSize", event.header().pageSize());
    data.put("commit", event.header().commit());
    data.put(
        "timestamp",
        Instant.ofEpochMilli(event.header().timestamp()).truncatedTo(ChronoUnit.MILLIS).toString());
    publish(line("tx", event.db(), data));
  }

  private void publish(String line) {
    for (Subscription s : subscribers) {
      s.offer(line);
    }
  }

  private static ObjectNode role(boolean isPrimary, String hostname) {
    ObjectNode data = JSON.createObjectNode();
    data.put("isPrimary", isPrimary);
    data.put("hostname", hostname == null ? "" : hostname);
    return data;
  }

  private static String line(String type, String db, ObjectNode data) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", type);
    if (db != null) {
      n.put("db", db);
    }
    n.set("data", data);
    return n.toString() + "\n";
  }

  /** Ends every subscription; idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Subscription s : subscribers) {
      s.end();
    }
  }
}
