package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.LockFile.DATABASE;
import static dev.replicafs.replication.store.LockFile.SHM;
import static dev.replicafs.replication.store.LockKind.READ;
import static dev.replicafs.replication.store.LockKind.WRITE;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the lock calls of a SQLite WAL write transaction through the table (the FUSE hot path),
 * on one thread and on two threads with different owners. Not a test: run it by hand (see
 * docs/LOCKS.md for the command and results).
 */
public final class LockTableBenchmark {
  private static final int CALLS_PER_TX = 10;

  private LockTableBenchmark() {}

  /** Runs the benchmark and prints calls per second. */
  public static void main(String[] args) throws Exception {
    int txs = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    LockTable table = new LockTable("bench.db");
    AtomicLong commits = new AtomicLong();
    table.addListener(owner -> commits.incrementAndGet());
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      runTransactions(table, 1, txs);
      report("1 thread ", txs, System.nanoTime() - t0);
    }
    for (int round = 0; round < 3; round++) {
      CountDownLatch done = new CountDownLatch(2);
      long t0 = System.nanoTime();
      for (int t = 0; t < 2; t++) {
        long owner = 10 + t;
        Thread th =
            new Thread(
                () -> {
                  runTransactions(table, owner, txs / 2);
                  done.countDown();
                },
                "lock-bench-" + t);
        th.start();
      }
      done.await();
      report("2 threads", txs / 2 * 2, System.nanoTime() - t0);
    }
    System.out.println("commits notified: " + commits.get());
  }

  /**
   * One WAL write transaction as SQLite's unix VFS issues it: SHARED on the database (3 calls),
   * READ0 shared, WRITE exclusive (retried while another owner writes), WRITE released (the
   * commit), READ0 released, database unlocked; DMS shared is held throughout.
   */
  private static void runTransactions(LockTable table, long owner, int count) {
    table.tryLock(SHM, owner, READ, LockBytes.WAL_DMS, 1);
    for (int i = 0; i < count; i++) {
      while (!table.tryLock(DATABASE, owner, READ, LockBytes.PENDING, 1)) {
        Thread.onSpinWait();
      }
      table.tryLock(DATABASE, owner, READ, LockBytes.SHARED_FIRST, LockBytes.SHARED_SIZE);
      table.unlock(DATABASE, owner, LockBytes.PENDING, 1);
      table.tryLock(SHM, owner, READ, LockBytes.WAL_READ0, 1);
      while (!table.tryLock(SHM, owner, WRITE, LockBytes.WAL_WRITE, 1)) {
        Thread.onSpinWait();
      }
      table.query(SHM, owner, WRITE, LockBytes.WAL_DMS, 1);
      table.unlock(SHM, owner, LockBytes.WAL_WRITE, 1);
      table.unlock(SHM, owner, LockBytes.WAL_READ0, 1);
      table.unlock(DATABASE, owner, 0, 0);
    }
    table.releaseOwner(owner);
  }

  private static void report(String label, int txs, long nanos) {
    double seconds = nanos / 1e9;
    System.out.printf(
        "%s: %,d transactions (%d calls each) in %.2f s = %,.0f calls/s, %.0f ns/call%n",
        label, txs, CALLS_PER_TX, seconds, txs * CALLS_PER_TX / seconds, nanos / (txs * 10.0));
  }
}
