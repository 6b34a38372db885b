package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.LockFile.DATABASE;
import static dev.replicafs.replication.store.LockFile.SHM;
import static dev.replicafs.replication.store.LockKind.READ;
import static dev.replicafs.replication.store.LockKind.UNLOCK;
import static dev.replicafs.replication.store.LockKind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The POSIX rules, F_GETLK answers and the WAL-commit listener, one owner at a time. */
class LockTableTest {
  private static final long A = 0xA;
  private static final long B = 0xB;
  private static final long C = 0xC;
  private static final long SHARED = LockBytes.SHARED_FIRST;
  private static final int SHARED_LEN = LockBytes.SHARED_SIZE;

  private final LockTable table = new LockTable("test.db");

  @Test
  void manyReadersOrOneWriterPerByte() {
    assertThat(table.tryLock(SHM, A, READ, LockBytes.WAL_DMS, 1)).isTrue();
    assertThat(table.tryLock(SHM, B, READ, LockBytes.WAL_DMS, 1)).isTrue();
    assertThat(table.tryLock(SHM, C, WRITE, LockBytes.WAL_DMS, 1)).isFalse();
    assertThat(table.tryLock(SHM, C, WRITE, LockBytes.WAL_WRITE, 1)).isTrue();
    assertThat(table.tryLock(SHM, A, READ, LockBytes.WAL_WRITE, 1)).isFalse();
    assertThat(table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1)).isFalse();
  }

  @Test
  void anOwnerUpgradesDowngradesAndNeverConflictsWithItself() {
    assertThat(table.tryLock(DATABASE, A, READ, SHARED, SHARED_LEN)).isTrue();
    assertThat(table.tryLock(DATABASE, A, WRITE, SHARED, SHARED_LEN)).as("upgrade alone").isTrue();
    assertThat(table.heldBy(A, DATABASE, SHARED + 7)).isEqualTo(WRITE);
    assertThat(table.tryLock(DATABASE, B, READ, SHARED, SHARED_LEN)).isFalse();
    assertThat(table.tryLock(DATABASE, A, READ, SHARED, SHARED_LEN)).as("downgrade").isTrue();
    assertThat(table.heldBy(A, DATABASE, SHARED + 7)).isEqualTo(READ);
    assertThat(table.tryLock(DATABASE, B, READ, SHARED, SHARED_LEN)).isTrue();
    assertThat(table.tryLock(DATABASE, A, WRITE, SHARED, SHARED_LEN))
        .as("upgrade with another reader present")
        .isFalse();
    assertThat(table.heldBy(A, DATABASE, SHARED))
        .as("failed upgrade keeps the read")
        .isEqualTo(READ);
  }

  @Test
  void anOwnerUnlocksAnySubRange() {
    assertThat(table.tryLock(DATABASE, A, WRITE, SHARED, SHARED_LEN)).isTrue();
    table.unlock(DATABASE, A, SHARED + 100, 10);
    assertThat(table.tryLock(DATABASE, B, READ, SHARED + 100, 10)).isTrue();
    assertThat(table.tryLock(DATABASE, B, READ, SHARED + 99, 1)).isFalse();
    assertThat(table.tryLock(DATABASE, B, READ, SHARED + 110, 1)).isFalse();
    assertThat(table.query(DATABASE, C, WRITE, SHARED, SHARED_LEN))
        .contains(new LockConflict(WRITE, SHARED, 100, A));
    assertThat(table.query(DATABASE, C, WRITE, SHARED + 110, 5))
        .contains(new LockConflict(WRITE, SHARED + 110, SHARED_LEN - 110, A));
  }

  @Test
  void aMultiByteRequestIsAllOrNothing() {
    assertThat(table.tryLock(SHM, A, READ, LockBytes.WAL_READ0 + 2, 1)).isTrue();
    assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_READ0, 5)).isFalse();
    for (int i = 0; i < 5; i++) {
      assertThat(table.heldBy(B, SHM, LockBytes.WAL_READ0 + i)).isEqualTo(UNLOCK);
    }
    assertThat(table.tryLock(SHM, C, WRITE, LockBytes.WAL_READ0, 2)).isTrue();
  }

  @Test
  void bytesSqliteNeverUsesAreTrackedAsRanges() {
    assertThat(table.tryLock(DATABASE, A, WRITE, 0, 100)).isTrue();
    assertThat(table.tryLock(DATABASE, B, READ, 50, 1)).isFalse();
    assertThat(table.query(DATABASE, B, READ, 99, 10)).contains(new LockConflict(WRITE, 0, 100, A));
    assertThat(table.tryLock(DATABASE, B, READ, 99, 0)).as("99 to EOF").isFalse();
    assertThat(table.tryLock(DATABASE, B, READ, 100, 1000)).isTrue();
    table.unlock(DATABASE, A, 0, 0);
    assertThat(table.tryLock(DATABASE, B, WRITE, 0, 100)).isTrue();
    assertThat(table.tryLock(SHM, C, WRITE, 4096, 0)).isTrue();
    assertThat(table.query(SHM, A, READ, 0, 0)).contains(new LockConflict(WRITE, 4096, 0, C));
  }

  @Test
  void aWholeFileRequestCoversWindowAndRangesAtOnce() {
    assertThat(table.tryLock(DATABASE, A, READ, 0, 0)).isTrue();
    assertThat(table.heldBy(A, DATABASE, LockBytes.PENDING)).isEqualTo(READ);
    assertThat(table.heldBy(A, DATABASE, 1L << 40)).isEqualTo(READ);
    assertThat(table.tryLock(DATABASE, B, WRITE, LockBytes.RESERVED, 1)).isFalse();
    table.unlock(DATABASE, A, 0, 0);
    assertThat(table.tryLock(DATABASE, B, WRITE, LockBytes.RESERVED, 1)).isTrue();
  }

  @Test
  void queryReportsTheBlockingTypeAndRange() {
    assertThat(table.query(SHM, A, WRITE, LockBytes.WAL_DMS, 1)).isEmpty();
    table.tryLock(SHM, A, READ, LockBytes.WAL_DMS, 1);
    table.tryLock(SHM, B, READ, LockBytes.WAL_DMS, 1);
    assertThat(table.query(SHM, C, WRITE, LockBytes.WAL_DMS, 1))
        .hasValueSatisfying(
            c -> {
              assertThat(c.kind()).isEqualTo(READ);
              assertThat(c.start()).isEqualTo(LockBytes.WAL_DMS);
              assertThat(c.length()).isEqualTo(1);
              assertThat(c.owner()).isIn(A, B);
            });
    assertThat(table.query(SHM, C, READ, LockBytes.WAL_DMS, 1)).isEmpty();
    assertThat(table.query(SHM, A, WRITE, LockBytes.WAL_DMS, 1))
        .as("A's own lock does not block A, B's does")
        .contains(new LockConflict(READ, LockBytes.WAL_DMS, 1, B));
    table.tryLock(DATABASE, A, READ, SHARED, SHARED_LEN);
    assertThat(table.query(DATABASE, C, WRITE, SHARED + 200, 1))
        .contains(new LockConflict(READ, SHARED, SHARED_LEN, A));
    table.tryLock(DATABASE, B, WRITE, LockBytes.RESERVED, 1);
    assertThat(table.query(DATABASE, C, WRITE, LockBytes.RESERVED, 1))
        .contains(new LockConflict(WRITE, LockBytes.RESERVED, 1, B));
    assertThat(table.query(DATABASE, C, UNLOCK, 0, 0)).isEmpty();
  }

  @Test
  void releaseOwnerDropsEveryLockOfThatOwnerOnly() {
    table.tryLock(DATABASE, A, READ, SHARED, SHARED_LEN);
    table.tryLock(DATABASE, A, WRITE, LockBytes.RESERVED, 1);
    table.tryLock(SHM, A, READ, LockBytes.WAL_DMS, 1);
    table.tryLock(SHM, A, WRITE, 1000, 10);
    table.tryLock(SHM, B, READ, LockBytes.WAL_DMS, 1);
    table.releaseOwner(A);
    assertThat(table.toString()).doesNotContain("owner=a:").contains("owner=b:");
    assertThat(table.tryLock(DATABASE, C, WRITE, 0, 0)).isTrue();
    assertThat(table.tryLock(SHM, C, WRITE, 1000, 10)).isTrue();
    assertThat(table.tryLock(SHM, C, WRITE, LockBytes.WAL_DMS, 1)).isFalse();
    table.releaseOwner(0x999);
  }

  @Test
  void closingOneFileDropsTheOwnersLocksOnThatFileOnly() {
    table.tryLock(DATABASE, A, READ, SHARED, SHARED_LEN);
    table.tryLock(SHM, A, READ, LockBytes.WAL_DMS, 1);
    table.tryLock(SHM, A, WRITE, LockBytes.WAL_READ0, 1);
    table.unlock(DATABASE, A, 0, 0);
    assertThat(table.heldBy(A, DATABASE, SHARED)).isEqualTo(UNLOCK);
    assertThat(table.heldBy(A, SHM, LockBytes.WAL_DMS)).isEqualTo(READ);
    assertThat(table.heldBy(A, SHM, LockBytes.WAL_READ0)).isEqualTo(WRITE);
    table.unlock(SHM, A, 0, 0);
    assertThat(table.toString()).contains("holders=[]");
  }

  @Test
  void releasingAnExclusiveWalWriteLockNotifiesWithTheByteStillHeld() throws Exception {
    List<Long> calls = new ArrayList<>();
    table.addListener(
        owner -> {
          calls.add(owner);
          assertThat(table.isWriteLocked(SHM, LockBytes.WAL_WRITE)).isTrue();
          // Another thread can use the table meanwhile: the monitor is not held...
          CompletableFuture<Boolean> other =
              CompletableFuture.supplyAsync(
                  () ->
                      table.tryLock(SHM, 0xD, READ, LockBytes.WAL_DMS, 1)
                          && !table.tryLock(SHM, 0xD, WRITE, LockBytes.WAL_WRITE, 1));
          try {
            // ...but cannot take the WRITE byte until the listener returns.
            assertThat(other.get(10, TimeUnit.SECONDS)).isTrue();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1);
    table.unlock(SHM, A, LockBytes.WAL_WRITE, 1);
    assertThat(calls).containsExactly(A);
    assertThat(table.isWriteLocked(SHM, LockBytes.WAL_WRITE)).isFalse();
    assertThat(table.tryLock(SHM, C, WRITE, LockBytes.WAL_WRITE, 1)).isTrue();
    table.releaseOwner(C);
    assertThat(calls).containsExactly(A, C);
  }

  @Test
  void onlyAnExclusiveWriteByteReleaseNotifies() {
    List<Long> calls = new ArrayList<>();
    table.addListener(calls::add);
    table.tryLock(SHM, A, READ, LockBytes.WAL_WRITE, 1);
    table.unlock(SHM, A, LockBytes.WAL_WRITE, 1);
    table.tryLock(SHM, A, WRITE, LockBytes.WAL_CKPT, 1);
    table.unlock(SHM, A, LockBytes.WAL_CKPT, 1);
    table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1);
    table.unlock(SHM, A, LockBytes.WAL_CKPT, 7);
    table.unlock(DATABASE, A, 0, 0);
    assertThat(calls).isEmpty();
    table.unlock(SHM, A, 0, 0);
    assertThat(calls).containsExactly(A);
  }

  @Test
  void aFailingListenerStillReleasesTheByte() {
    table.addListener(
        owner -> {
          throw new IllegalStateException("ltx write failed");
        });
    table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1);
    assertThatThrownBy(() -> table.unlock(SHM, A, LockBytes.WAL_WRITE, 1))
        .hasMessage("ltx write failed");
    assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_WRITE, 1)).isTrue();
  }

  @Test
  void noCheckpointWhileAnotherOwnerHoldsTheWalWriteLock() {
    table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1);
    assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_CKPT, 1)).isFalse();
    assertThat(table.query(SHM, B, WRITE, LockBytes.WAL_CKPT, 1))
        .contains(new LockConflict(WRITE, LockBytes.WAL_CKPT, 1, A));
    assertThat(table.tryLock(SHM, A, WRITE, LockBytes.WAL_CKPT, 1))
        .as("the writer itself")
        .isTrue();
    table.unlock(SHM, A, LockBytes.WAL_CKPT, 1);
    table.unlock(SHM, A, LockBytes.WAL_WRITE, 1);
    assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_CKPT, 1)).isTrue();
    assertThat(table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1))
        .as("a writer may start during a checkpoint")
        .isTrue();
  }

  @Test
  void unlockKindThroughTryLockAndBadRangesAreHandled() {
    table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1);
    assertThat(table.tryLock(SHM, A, UNLOCK, LockBytes.WAL_WRITE, 1)).isTrue();
    assertThat(table.isWriteLocked(SHM, LockBytes.WAL_WRITE)).isFalse();
    assertThatThrownBy(() -> table.tryLock(SHM, A, READ, -1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.tryLock(SHM, A, READ, 1, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(table.tryLock(SHM, A, READ, Long.MAX_VALUE - 5, 100)).isTrue();
    assertThat(LockKind.ofPosixType(1)).isEqualTo(WRITE);
    assertThat(READ.posixType()).isZero();
    assertThatThrownBy(() -> LockKind.ofPosixType(7)).hasMessageContaining("l_type=7");
  }

  @Test
  void toStringNamesHoldersAndBytes() {
    table.tryLock(DATABASE, 0x1f, READ, SHARED, SHARED_LEN);
    table.tryLock(DATABASE, 0x1f, WRITE, LockBytes.RESERVED, 1);
    table.tryLock(SHM, 0x2e, WRITE, LockBytes.WAL_WRITE, 1);
    table.tryLock(SHM, 0x2e, READ, LockBytes.WAL_READ0 + 1, 1);
    table.tryLock(SHM, 0x2e, READ, LockBytes.WAL_DMS, 1);
    assertThat(table.toString())
        .contains("db=test.db")
        .contains("owner=1f: db:RESERVED(W) db:SHARED(R)")
        .contains("owner=2e: shm:WRITE(W) shm:READ1(R) shm:DMS(R)");
  }
}
