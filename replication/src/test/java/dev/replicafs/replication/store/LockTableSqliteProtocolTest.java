package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.LockFile.DATABASE;
import static dev.replicafs.replication.store.LockFile.SHM;
import static dev.replicafs.replication.store.LockKind.READ;
import static dev.replicafs.replication.store.LockKind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact request sequences SQLite's unix VFS sends ({@code unixLock}, {@code unixUnlock}, {@code
 * unixCheckReservedLock}, {@code unixLockSharedMemory}, {@code unixShmLock}) for a rollback write
 * transaction and a WAL write transaction, with a second connection interleaved.
 */
class LockTableSqliteProtocolTest {
  private static final long A = 0xA1;
  private static final long B = 0xB2;
  private static final long C = 0xC3;

  private final LockTable table = new LockTable("protocol.db");

  @Test
  void rollbackWriteTransactionWithAConcurrentReader() {
    assertThat(shared(A)).isTrue();
    assertThat(shared(B)).isTrue();
    // A: RESERVED.
    assertThat(table.tryLock(DATABASE, A, WRITE, LockBytes.RESERVED, 1)).isTrue();
    // B: unixCheckReservedLock sees a writer; its own RESERVED is refused (SQLITE_BUSY).
    assertThat(table.query(DATABASE, B, WRITE, LockBytes.RESERVED, 1))
        .contains(new LockConflict(WRITE, LockBytes.RESERVED, 1, A));
    assertThat(table.tryLock(DATABASE, B, WRITE, LockBytes.RESERVED, 1)).isFalse();
    // A: EXCLUSIVE = PENDING, then the SHARED range; B still reads, so A keeps PENDING only.
    assertThat(table.tryLock(DATABASE, A, WRITE, LockBytes.PENDING, 1)).isTrue();
    assertThat(table.tryLock(DATABASE, A, WRITE, LockBytes.SHARED_FIRST, 510)).isFalse();
    // C: a new reader cannot start while A holds PENDING.
    assertThat(shared(C)).isFalse();
    // B: transaction over, unixUnlock(NO_LOCK) unlocks the whole file.
    table.unlock(DATABASE, B, 0, 0);
    // A: EXCLUSIVE now; writes the database; then back to SHARED and to NO_LOCK.
    assertThat(table.tryLock(DATABASE, A, WRITE, LockBytes.SHARED_FIRST, 510)).isTrue();
    assertThat(shared(C)).isFalse();
    assertThat(table.tryLock(DATABASE, A, READ, LockBytes.SHARED_FIRST, 510)).isTrue();
    table.unlock(DATABASE, A, LockBytes.PENDING, 2);
    assertThat(table.heldBy(A, DATABASE, LockBytes.SHARED_FIRST)).isEqualTo(READ);
    assertThat(shared(C)).isTrue();
    table.unlock(DATABASE, A, 0, 0);
    table.unlock(DATABASE, C, 0, 0);
    assertThat(table.toString()).contains("holders=[]");
  }

  @Test
  void walWriteTransactionWithASecondConnection() {
    List<Long> commits = new ArrayList<>();
    table.addListener(
        owner -> {
          commits.add(owner);
          assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_WRITE, 1)).isFalse();
          assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_CKPT, 1)).isFalse();
        });
    // A opens the WAL index first: F_GETLK on DMS says unlocked, so A initialises it under an
    // exclusive DMS lock and then holds DMS shared.
    assertThat(table.query(SHM, A, WRITE, LockBytes.WAL_DMS, 1)).isEmpty();
    assertThat(table.tryLock(SHM, A, WRITE, LockBytes.WAL_DMS, 1)).isTrue();
    assertThat(table.query(SHM, B, WRITE, LockBytes.WAL_DMS, 1))
        .as("B sees A initialising and backs off (SQLITE_BUSY)")
        .contains(new LockConflict(WRITE, LockBytes.WAL_DMS, 1, A));
    assertThat(table.tryLock(SHM, A, READ, LockBytes.WAL_DMS, 1)).isTrue();
    // B: F_GETLK reports a READ holder, so B joins with a shared DMS lock without truncating.
    assertThat(table.query(SHM, B, WRITE, LockBytes.WAL_DMS, 1))
        .contains(new LockConflict(READ, LockBytes.WAL_DMS, 1, A));
    assertThat(table.tryLock(SHM, B, READ, LockBytes.WAL_DMS, 1)).isTrue();

    // A: read transaction (SHARED on the database, READ0 on the WAL index), then the writer lock.
    assertThat(shared(A)).isTrue();
    assertThat(table.tryLock(SHM, A, READ, LockBytes.WAL_READ0, 1)).isTrue();
    assertThat(table.tryLock(SHM, A, WRITE, LockBytes.WAL_WRITE, 1)).isTrue();
    // B: reads alongside; cannot write and cannot checkpoint while A writes.
    assertThat(shared(B)).isTrue();
    assertThat(table.tryLock(SHM, B, READ, LockBytes.WAL_READ0, 1)).isTrue();
    assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_WRITE, 1)).isFalse();
    assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_CKPT, 1)).isFalse();
    // A: frames appended, commit frame written; releasing WRITE is the commit.
    table.unlock(SHM, A, LockBytes.WAL_WRITE, 1);
    assertThat(commits).containsExactly(A);
    table.unlock(SHM, A, LockBytes.WAL_READ0, 1);
    table.unlock(DATABASE, A, 0, 0);
    table.unlock(SHM, B, LockBytes.WAL_READ0, 1);

    // B: checkpoint (CKPT, then each READi for i >= 1 exclusive to reset the read marks).
    assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_CKPT, 1)).isTrue();
    for (int i = 1; i < LockBytes.WAL_READ_COUNT; i++) {
      assertThat(table.tryLock(SHM, B, WRITE, LockBytes.WAL_READ0 + i, 1)).isTrue();
      table.unlock(SHM, B, LockBytes.WAL_READ0 + i, 1);
    }
    table.unlock(SHM, B, LockBytes.WAL_CKPT, 1);

    // A closes (flush/release of its handles); B is last and closes the WAL: EXCLUSIVE on the
    // database, then it unmaps the WAL index.
    table.releaseOwner(A);
    assertThat(table.tryLock(DATABASE, B, WRITE, LockBytes.PENDING, 1)).isTrue();
    assertThat(table.tryLock(DATABASE, B, WRITE, LockBytes.SHARED_FIRST, 510)).isTrue();
    table.releaseOwner(B);
    assertThat(commits).containsExactly(A);
    assertThat(table.toString()).contains("holders=[]");
  }

  /** unixLock(SHARED): PENDING shared, SHARED range shared, PENDING released. */
  private boolean shared(long owner) {
    if (!table.tryLock(DATABASE, owner, READ, LockBytes.PENDING, 1)) {
      return false;
    }
    boolean ok = table.tryLock(DATABASE, owner, READ, LockBytes.SHARED_FIRST, 510);
    table.unlock(DATABASE, owner, LockBytes.PENDING, 1);
    return ok;
  }
}
