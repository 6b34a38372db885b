package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.LockFile.DATABASE;
import static dev.replicafs.replication.store.LockFile.SHM;
import static dev.replicafs.replication.store.LockKind.READ;
import static dev.replicafs.replication.store.LockKind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.sqlite.JournalMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several threads (FUSE owners and the store) following SQLite's locking protocol at once: the
 * table must keep readers and writers apart, serialise WAL writers, and let the store's writer in.
 */
class LockTableConcurrencyTest {
  private static final int ITERATIONS = 3000;

  private final LockTable table = new LockTable("concurrent.db");
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          6,
          r -> {
            Thread t = new Thread(r, "lock-concurrency-test");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger readersInside = new AtomicInteger();
  private final AtomicInteger writersInside = new AtomicInteger();
  private final AtomicInteger violations = new AtomicInteger();

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  @Test
  void rollbackReadersAndWritersNeverOverlap() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long owner = 100 + t;
      tasks.add(
          () -> {
            for (int i = 0; i < ITERATIONS; i++) {
              if (ThreadLocalRandom.current().nextInt(3) == 0) {
                if (sqliteWrite(owner)) {
                  writes.incrementAndGet();
                }
              } else if (sqliteRead(owner)) {
                reads.incrementAndGet();
              }
            }
            return null;
          });
    }
    AtomicInteger storeWrites = new AtomicInteger();
    tasks.add(
        () -> {
          for (int i = 0; i < 50; i++) {
            try (LockGuard g =
                table.acquireWriteLock(JournalMode.ROLLBACK, Duration.ofSeconds(30))) {
              exclusiveSection();
              storeWrites.incrementAndGet();
            }
          }
          return null;
        });
    runAll(tasks);
    assertThat(violations).hasValue(0);
    assertThat(reads.get()).isPositive();
    assertThat(writes.get()).isPositive();
    assertThat(storeWrites).hasValue(50);
    assertThat(table.toString()).isEqualTo("LockTable{db=concurrent.db, holders=[], waiters=0}");
  }

  @Test
  void walWritersAreSerialisedAndEachReleaseIsCommittedBeforeTheNextWriter() throws Exception {
    AtomicBoolean committing = new AtomicBoolean();
    AtomicInteger commits = new AtomicInteger();
    table.addListener(
        owner -> {
          if (!committing.compareAndSet(false, true)) {
            violations.incrementAndGet();
          }
          commits.incrementAndGet();
          committing.set(false);
        });
    AtomicInteger writes = new AtomicInteger();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long owner = 200 + t;
      tasks.add(
          () -> {
            table.tryLock(SHM, owner, READ, LockBytes.WAL_DMS, 1);
            for (int i = 0; i < ITERATIONS; i++) {
              if (table.tryLock(SHM, owner, WRITE, LockBytes.WAL_WRITE, 1)) {
                if (committing.get()) {
                  violations.incrementAndGet();
                }
                exclusiveSection();
                writes.incrementAndGet();
                if (i % 2 == 0) {
                  table.unlock(SHM, owner, LockBytes.WAL_WRITE, 1);
                } else {
                  table.releaseOwner(owner);
                  table.tryLock(SHM, owner, READ, LockBytes.WAL_DMS, 1);
                }
              }
            }
            table.releaseOwner(owner);
            return null;
          });
    }
    tasks.add(
        () -> {
          for (int i = 0; i < 30; i++) {
            try (LockGuard g = table.acquireWriteLock(JournalMode.WAL, Duration.ofSeconds(30))) {
              exclusiveSection();
            }
          }
          return null;
        });
    runAll(tasks);
    assertThat(violations).hasValue(0);
    assertThat(writes.get()).isPositive();
    assertThat(commits).hasValue(writes.get());
  }

  @Test
  void aStreamOfOverlappingReadersDoesNotStarveTheStoreWriter() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<?>> readers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      long owner = 300 + t;
      readers.add(
          executor.submit(
              () -> {
                while (!stop.get()) {
                  sqliteRead(owner);
                }
                return null;
              }));
    }
    try {
      for (int i = 0; i < 20; i++) {
        try (LockGuard g = table.acquireWriteLock(JournalMode.ROLLBACK, Duration.ofSeconds(30))) {
          exclusiveSection();
        }
      }
    } finally {
      stop.set(true);
    }
    for (Future<?> f : readers) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertThat(violations).hasValue(0);
  }

  /** SQLite's read transaction in rollback mode; true if it got in. */
  private boolean sqliteRead(long owner) {
    try {
      if (!sqliteShared(owner)) {
        return false;
      }
      readersInside.incrementAndGet();
      if (writersInside.get() != 0) {
        violations.incrementAndGet();
      }
      readersInside.decrementAndGet();
      return true;
    } finally {
      table.unlock(DATABASE, owner, 0, 0);
    }
  }

  /** SQLite's write transaction: SHARED, RESERVED, PENDING, EXCLUSIVE, then unlock all. */
  private boolean sqliteWrite(long owner) {
    try {
      if (!sqliteShared(owner)
          || !table.tryLock(DATABASE, owner, WRITE, LockBytes.RESERVED, 1)
          || !table.tryLock(DATABASE, owner, WRITE, LockBytes.PENDING, 1)
          || !table.tryLock(DATABASE, owner, WRITE, LockBytes.SHARED_FIRST, 510)) {
        return false;
      }
      exclusiveSection();
      return true;
    } finally {
      table.unlock(DATABASE, owner, 0, 0);
    }
  }

  private boolean sqliteShared(long owner) {
    if (!table.tryLock(DATABASE, owner, READ, LockBytes.PENDING, 1)) {
      return false;
    }
    boolean ok = table.tryLock(DATABASE, owner, READ, LockBytes.SHARED_FIRST, 510);
    table.unlock(DATABASE, owner, LockBytes.PENDING, 1);
    return ok;
  }

  private void exclusiveSection() {
    if (writersInside.incrementAndGet() != 1 || readersInside.get() != 0) {
      violations.incrementAndGet();
    }
    writersInside.decrementAndGet();
  }

  private void runAll(List<Callable<Void>> tasks) throws Exception {
    List<Future<Void>> futures = new ArrayList<>();
    for (Callable<Void> t : tasks) {
      futures.add(executor.submit(t));
    }
    for (Future<Void> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
  }
}
