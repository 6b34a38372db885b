package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes and names the LTX files of one database's WAL commits after the WRITE-lock release has
 * returned to SQLite (docs/ARCHITECTURE.md, "WAL commits are named after the lock release
 * returns"). The commit path records the transaction under {@link Db#mu} and {@link #submit}s its
 * pages; the store's naming thread writes the files in submission (TXID) order, each through {@link
 * LtxFiles#write} without fsync (the WAL covers it until the generation ends), and then advances
 * the named position ({@link Db#publishNamed}).
 *
 * <p>The writer starts at most one file per naming interval: a commit that finds it idle for longer
 * is named at once, one that comes sooner waits for the interval since the previous file's start,
 * and the commits of that wait share the file (docs/ARCHITECTURE.md). {@link #drain} does not wait
 * for the interval.
 *
 * <p>Owner of its queue; {@link #drain} is the one way to wait for it. A write failure stops the
 * queue for good and goes to the store's fatal handler: the transaction is committed in SQLite and
 * in the WAL, and the next open derives its file (ARCHITECTURE.md, recovery step 3).
 */
final class LtxNamer {
  /**
   * Transactions and pages (16 MiB of 4 KiB pages) waiting at most; a commit past either waits for
   * the writer, so the queue's memory stays bounded whatever the commit rate.
   */
  static final int MAX_QUEUED = 256;

  static final int MAX_QUEUED_PAGES = 4096;

  /** Transactions merged into one file at most, and their pages at most (4 MiB of 4 KiB pages). */
  static final int MAX_MERGED = 64;

  static final int MAX_MERGED_PAGES = 1024;

  private static final int MAX_REMEMBERED = 4096;

  /** One transaction to name: its header, its changed pages (ascending) and post-apply checksum. */
  record Item(LtxHeader header, TreeMap<Long, byte[]> pages, long post) {}

  private final Db db;
  private final ScheduledExecutorService thread;
  private final long intervalNanos;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private Throwable failed;
  private int queuedPages;

  /** Whether a write task is scheduled or running; one is while the queue is not empty. */
  private boolean taskPending;

  /** Set by {@link #drain}: write what is queued without waiting for the interval. */
  private boolean hurry;

  /** {@link System#nanoTime} at the start of the last file's write. */
  private long lastWriteStart;

  /** Recently named merged files by MinTXID, for the stream's lookup; bounded, oldest evicted. */
  private final java.util.concurrent.ConcurrentSkipListMap<Long, LtxFileName> merged =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  LtxNamer(Db db, ScheduledExecutorService thread, java.time.Duration interval) {
    this.db = db;
    this.thread = thread;
    this.intervalNanos = interval.toNanos();
    this.lastWriteStart = System.nanoTime() - intervalNanos;
  }

  /** Queues a recorded transaction; waits while {@link #MAX_QUEUED} files are already waiting. */
  void submit(Item item) throws IOException {
    synchronized (this) {
      while (!queue.isEmpty()
          && (queue.size() >= MAX_QUEUED || queuedPages + item.pages().size() > MAX_QUEUED_PAGES)
          && failed == null) {
        await();
      }
      check();
      queue.add(item);
      queuedPages += item.pages().size();
      if (taskPending) {
        return;
      }
      taskPending = true;
    }
    thread.execute(this::writeDue);
  }

  /** The merged file this namer named that starts at {@code txid}, if it remembers one. */
  LtxFileName mergedFrom(long txid) {
    return merged.get(txid);
  }

  /** Whether every recorded transaction has its file named. */
  synchronized boolean idle() {
    return queue.isEmpty();
  }

  /**
   * Waits until every submitted file is named. Safe under {@link Db#mu}: the writer never takes it.
   *
   * @throws StoreException if a file could not be written (the store is stopping then)
   */
  void drain() throws IOException {
    synchronized (this) {
      if (queue.isEmpty() || failed != null) {
        check();
        return;
      }
      hurry = true;
    }
    try {
      thread.execute(this::writeDue);
    } catch (RejectedExecutionException closing) {
      // the naming thread is shutting down; the run scheduled for the queue still runs, in hurry
    }
    synchronized (this) {
      while (!queue.isEmpty() && failed == null) {
        await();
      }
      check();
    }
  }

  /**
   * Runs on the naming thread: writes the queued files whose interval has passed, one after the
   * other, and schedules itself again for the rest. Several runs may be scheduled at once (a drain
   * adds one); the single naming thread runs them one at a time, and each writes only what is due.
   */
  private void writeDue() {
    while (true) {
      long wait;
      synchronized (this) {
        if (queue.isEmpty() || failed != null) {
          taskPending = false;
          hurry = false;
          return;
        }
        wait = hurry ? 0 : lastWriteStart + intervalNanos - System.nanoTime();
        if (wait <= 0) {
          lastWriteStart = System.nanoTime();
        }
      }
      if (wait > 0) {
        try {
          thread.schedule(this::writeDue, wait, TimeUnit.NANOSECONDS);
          return;
        } catch (RejectedExecutionException closing) {
          // the store is closing: name the rest now, on this run
          synchronized (this) {
            lastWriteStart = System.nanoTime();
          }
        }
      }
      writeNext();
    }
  }

  private void writeNext() {
    List<Item> batch = new ArrayList<>();
    synchronized (this) {
      if (failed != null || queue.isEmpty()) {
        return;
      }
      int pages = 0;
      for (Item i : queue) {
        if (!batch.isEmpty()
            && (batch.size() >= MAX_MERGED
                || pages + i.pages().size() > MAX_MERGED_PAGES
                || !sameGeneration(batch.get(0).header(), i.header()))) {
          break;
        }
        batch.add(i);
        pages += i.pages().size();
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    Item item = merge(batch);
    try {
      db.ltx.write(
          "WAL_NAME",
          item.header(),
          enc -> {
            for (Map.Entry<Long, byte[]> e : item.pages().entrySet()) {
              enc.writePage(e.getKey(), e.getValue());
            }
          },
          item.post(),
          false);
      if (item.header().minTxid() != item.header().maxTxid()) {
        merged.put(item.header().minTxid(), LtxFileName.of(item.header()));
        while (merged.size() > MAX_REMEMBERED) {
          merged.pollFirstEntry();
        }
      }
      db.publishNamed(item.header(), item.post());
    } catch (IOException | RuntimeException | Error e) {
      try {
        db.store.fatal(db.name, "could not name the ltx file of a committed wal transaction", e);
      } finally {
        synchronized (this) {
          failed = e;
          notifyAll();
        }
      }
      return;
    }
    synchronized (this) {
      for (int i = 0; i < batch.size(); i++) {
        queuedPages -= queue.poll().pages().size();
      }
      notifyAll();
    }
  }

  /**
   * One file for consecutive transactions that queued up while the previous file was written:
   * MinTXID of the first, MaxTXID, commit size, timestamp and post-apply checksum of the last, the
   * WAL range from the first frame to the last commit frame, and the newest version of every page
   * up to the last commit size (the same file a compaction of their files would give). Under load
   * this is what keeps file creation, the dominant cost of naming, below one per transaction.
   */
  static Item merge(List<Item> batch) {
    if (batch.size() == 1) {
      return batch.get(0);
    }
    Item first = batch.get(0);
    Item last = batch.get(batch.size() - 1);
    LtxHeader f = first.header();
    LtxHeader l = last.header();
    TreeMap<Long, byte[]> pages = new TreeMap<>();
    for (Item i : batch) {
      pages.putAll(i.pages());
    }
    pages.tailMap(l.commit(), false).clear();
    LtxHeader h =
        new LtxHeader(
            l.flags(),
            l.pageSize(),
            l.commit(),
            f.minTxid(),
            l.maxTxid(),
            l.timestamp(),
            f.preApplyChecksum(),
            f.walOffset(),
            l.walOffset() + l.walSize() - f.walOffset(),
            l.walSalt1(),
            l.walSalt2(),
            l.nodeId());
    return new Item(h, pages, last.post());
  }

  private static boolean sameGeneration(LtxHeader a, LtxHeader b) {
    return a.walSalt1() == b.walSalt1()
        && a.walSalt2() == b.walSalt2()
        && a.pageSize() == b.pageSize()
        && a.flags() == b.flags();
  }

  private void check() throws StoreException {
    if (failed != null) {
      throw new StoreException(
          "ltx files of db=" + db.name + " can no longer be named: " + failed, failed);
    }
  }

  private void await() throws StoreException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for ltx files of db=" + db.name, e);
    }
  }
}
