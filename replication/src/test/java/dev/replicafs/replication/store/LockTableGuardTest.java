package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.LockFile.DATABASE;
import static dev.replicafs.replication.store.LockFile.SHM;
import static dev.replicafs.replication.store.LockKind.READ;
import static dev.replicafs.replication.store.LockKind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.sqlite.JournalMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store's own write and read locks: what they hold, how they wait, and their deadlines. */
class LockTableGuardTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  private static final long A = 0xA;
  private static final long B = 0xB;

  private final LockTable table = new LockTable("guard.db");
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "lock-guard-test");
            t.setDaemon(true);
            return t;
          });
  private final List<Long> walReleases = new ArrayList<>();

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  @Test
  void rollbackWriteLockHoldsPendingReservedAndSharedExclusively() throws Exception {
    try (LockGuard g = table.acquireWriteLock(JournalMode.ROLLBACK, LONG)) {
      assertThat(table.isWriteLocked(DATABASE, LockBytes.PENDING)).isTrue();
      assertThat(table.isWriteLocked(DATABASE, LockBytes.RESERVED)).isTrue();
      assertThat(table.isWriteLocked(DATABASE, LockBytes.SHARED_FIRST + 509)).isTrue();
      assertThat(table.tryLock(DATABASE, A, READ, LockBytes.PENDING, 1)).isFalse();
      assertThat(table.query(DATABASE, A, READ, LockBytes.SHARED_FIRST, 510))
          .as("adjacent bytes of one owner and kind are one lock, as POSIX merges them")
          .contains(new LockConflict(WRITE, LockBytes.PENDING, 512, g.owner()));
      assertThat(table.toString()).contains("internal#" + g.owner());
    }
    assertThat(table.toString()).doesNotContain("internal#");
    assertThat(table.tryLock(DATABASE, A, WRITE, 0, 0)).isTrue();
  }

  @Test
  void walWriteLockHoldsTheWalIndexLocksAndNotifiesNobody() throws Exception {
    table.addListener(walReleases::add);
    assertThat(table.tryLock(SHM, A, READ, LockBytes.WAL_DMS, 1)).isTrue();
    LockGuard g = table.acquireWriteLock(JournalMode.WAL, LONG);
    for (long b = LockBytes.WAL_WRITE; b < LockBytes.WAL_DMS; b++) {
      assertThat(table.isWriteLocked(SHM, b)).as("byte %d", b).isTrue();
    }
    assertThat(table.query(SHM, B, WRITE, LockBytes.WAL_DMS, 1)).isPresent();
    assertThat(table.tryLock(SHM, B, READ, LockBytes.WAL_DMS, 1)).isTrue();
    assertThat(table.isWriteLocked(DATABASE, LockBytes.PENDING)).isFalse();
    g.close();
    g.close();
    assertThat(walReleases).isEmpty();
    assertThat(table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1)).isTrue();
  }

  @Test
  void readLockBlocksWritersAndCheckpointsButNotReaders() throws Exception {
    try (LockGuard r1 = table.acquireReadLock(JournalMode.WAL, LONG);
        LockGuard r2 = table.acquireReadLock(JournalMode.WAL, LONG)) {
      assertThat(r1.owner()).isNotEqualTo(r2.owner());
      assertThat(table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1)).isFalse();
      assertThat(table.tryLock(SHM, A, WRITE, LockBytes.WAL_CKPT, 1)).isFalse();
      assertThat(table.tryLock(DATABASE, A, READ, LockBytes.PENDING, 1)).isTrue();
      assertThat(table.tryLock(DATABASE, A, READ, LockBytes.SHARED_FIRST, 510)).isTrue();
      assertThat(table.tryLock(DATABASE, B, WRITE, LockBytes.SHARED_FIRST, 510)).isFalse();
      assertThat(table.heldBy(A, DATABASE, LockBytes.PENDING)).isEqualTo(READ);
      assertThat(table.isWriteLocked(DATABASE, LockBytes.PENDING)).isFalse();
    }
    table.releaseOwner(A);
    try (LockGuard r = table.acquireReadLock(JournalMode.ROLLBACK, LONG)) {
      assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_WRITE, 1)).isTrue();
      assertThat(table.tryLock(DATABASE, B, WRITE, LockBytes.RESERVED, 1)).isTrue();
      assertThat(table.tryLock(DATABASE, B, WRITE, LockBytes.PENDING, 1)).isTrue();
      assertThat(table.tryLock(DATABASE, B, WRITE, LockBytes.SHARED_FIRST, 510)).isFalse();
    }
  }

  @Test
  void aTimedOutAcquisitionNamesTheHolderAndKeepsNothing() {
    table.tryLock(DATABASE, A, WRITE, LockBytes.RESERVED, 1);
    assertThatThrownBy(() -> table.acquireWriteLock(JournalMode.ROLLBACK, Duration.ofMillis(50)))
        .isInstanceOf(LockTimeoutException.class)
        .hasMessageContaining("write lock (ROLLBACK) on db=guard.db not granted within PT0.05S")
        .hasMessageContaining("RESERVED is held by owner=a");
    table.tryLock(DATABASE, B, READ, LockBytes.SHARED_FIRST, 510);
    table.unlock(DATABASE, A, 0, 0);
    assertThatThrownBy(() -> table.acquireWriteLock(JournalMode.ROLLBACK, Duration.ofMillis(50)))
        .hasMessageContaining("SHARED is held by owner=b");
    assertThat(table.toString()).doesNotContain("internal#");
    assertThat(table.tryLock(DATABASE, A, WRITE, LockBytes.PENDING, 2)).isTrue();
  }

  @Test
  void aWaitingWriterHoldsPendingSoNoNewReaderStartsAndWinsWhenReadersLeave() throws Exception {
    assertThat(sqliteSharedLock(A)).isTrue();
    Future<LockGuard> writer =
        executor.submit(() -> table.acquireWriteLock(JournalMode.ROLLBACK, LONG));
    awaitTrue(() -> table.isWriteLocked(DATABASE, LockBytes.PENDING));
    assertThat(writer.isDone()).isFalse();
    assertThat(sqliteSharedLock(B)).as("a new reader is refused at PENDING").isFalse();
    table.unlock(DATABASE, A, 0, 0);
    try (LockGuard g = writer.get(20, TimeUnit.SECONDS)) {
      assertThat(table.isWriteLocked(DATABASE, LockBytes.SHARED_FIRST)).isTrue();
    }
    assertThat(sqliteSharedLock(B)).isTrue();
  }

  @Test
  void anInterruptedAcquisitionReleasesWhatItHad() throws Exception {
    table.tryLock(SHM, A, READ, LockBytes.WAL_READ0 + 3, 1);
    Thread[] worker = new Thread[1];
    Future<Throwable> result =
        executor.submit(
            () -> {
              worker[0] = Thread.currentThread();
              try {
                table.acquireWriteLock(JournalMode.WAL, LONG).close();
                return null;
              } catch (InterruptedException e) {
                return e;
              }
            });
    awaitTrue(() -> table.isWriteLocked(SHM, LockBytes.WAL_READ0 + 4));
    worker[0].interrupt();
    assertThat(result.get(20, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(table.toString()).doesNotContain("internal#");
  }

  /** SQLite's unixLock to SHARED: PENDING shared, SHARED shared, PENDING released. */
  private boolean sqliteSharedLock(long owner) {
    if (!table.tryLock(DATABASE, owner, READ, LockBytes.PENDING, 1)) {
      return false;
    }
    boolean ok = table.tryLock(DATABASE, owner, READ, LockBytes.SHARED_FIRST, 510);
    table.unlock(DATABASE, owner, LockBytes.PENDING, 1);
    return ok;
  }

  static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
