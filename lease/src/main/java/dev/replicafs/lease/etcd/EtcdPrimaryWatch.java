package dev.replicafs.lease.etcd;

import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.LeaseUnavailableException;
import dev.replicafs.lease.PrimaryInfo;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the lease key with an etcd watch, so waiters learn of a new or vanished primary as soon
 * as etcd applies the change. Started on first use: a read of the key at revision R, then a watch
 * from R+1, so no change between the two is missed. jetcd resumes the watch across reconnects; if
 * it fails for good (e.g. the revision was compacted) the next waiter starts a fresh one.
 */
final class EtcdPrimaryWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdPrimaryWatch.class);
  private static final Duration RESTART_PAUSE = Duration.ofMillis(200);

  private final Client client;
  private final EtcdRequests requests;
  private final ByteSequence key;
  private final ReentrantLock startLock = new ReentrantLock();
  private final Object lock = new Object();
  private Optional<PrimaryInfo> current = Optional.empty();
  private Watch.Watcher watcher;
  private long generation;
  private boolean closed;

  EtcdPrimaryWatch(Client client, EtcdRequests requests, ByteSequence key) {
    this.client = client;
    this.requests = requests;
    this.key = key;
  }

  /** See {@link dev.replicafs.lease.Leaser#awaitPrimaryChange}. */
  Optional<PrimaryInfo> awaitChange(Optional<PrimaryInfo> seen, Duration timeout)
      throws LeaseException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ensureWatching();
      synchronized (lock) {
        while (watcher != null && current.equals(seen)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return current;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
        if (!current.equals(seen) || deadline - System.nanoTime() <= 0) {
          return current;
        }
        // the watch ended: back off briefly so a watch that keeps failing does not spin
        long pause = Math.min(RESTART_PAUSE.toNanos(), deadline - System.nanoTime());
        TimeUnit.NANOSECONDS.timedWait(lock, Math.max(1, pause));
      }
    }
  }

  private void ensureWatching() throws LeaseException {
    startLock.lock();
    try {
      long attempt;
      synchronized (lock) {
        if (closed) {
          throw new IllegalStateException("etcd leaser is closed");
        }
        if (watcher != null) {
          return;
        }
        attempt = ++generation;
      }
      GetResponse read = requests.await(client.getKVClient().get(key), "read of primary key");
      long revision = read.getHeader().getRevision();
      synchronized (lock) {
        current = read.getKvs().isEmpty() ? Optional.empty() : decode(read.getKvs().get(0));
        lock.notifyAll();
      }
      WatchOption option = WatchOption.builder().withRevision(revision + 1).build();
      Watch.Watcher started =
          client
              .getWatchClient()
              .watch(
                  key,
                  option,
                  Watch.listener(
                      response -> onEvents(attempt, response),
                      error -> onFailure(attempt, error),
                      () -> onFailure(attempt, null)));
      synchronized (lock) {
        if (closed || generation != attempt) {
          started.close();
          return;
        }
        watcher = started;
      }
    } finally {
      startLock.unlock();
    }
  }

  private void onEvents(long attempt, WatchResponse response) {
    synchronized (lock) {
      if (attempt != generation) {
        return;
      }
      for (WatchEvent event : response.getEvents()) {
        current =
            event.getEventType() == WatchEvent.EventType.PUT
                ? decode(event.getKeyValue())
                : Optional.empty();
      }
      lock.notifyAll();
    }
  }

  private void onFailure(long attempt, Throwable error) {
    synchronized (lock) {
      if (attempt != generation) {
        return;
      }
      LOG.warn(
          "etcd watch ended, restarting on next wait: key={} error={}",
          key,
          error == null ? "completed" : error.toString());
      generation++;
      if (watcher != null) {
        watcher.close();
        watcher = null;
      }
      lock.notifyAll();
    }
  }

  private Optional<PrimaryInfo> decode(KeyValue kv) {
    try {
      return Optional.of(PrimaryInfo.fromJson(kv.getValue().getBytes()));
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring unreadable primary key value: key={} error={}", key, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      generation++;
      if (watcher != null) {
        watcher.close();
        watcher = null;
      }
      lock.notifyAll();
    }
  }

  /** Used by the leaser to report decode failures as an unavailable backend. */
  static LeaseUnavailableException unreadable(String key, IllegalArgumentException e) {
    return new LeaseUnavailableException(
        "etcd key "
            + key
            + " does not hold ReplicaFS primary info; is lease.etcd.key shared with"
            + " another application?",
        e);
  }
}
