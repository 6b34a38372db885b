package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * Writes and names the LTX files of one database's WAL commits after the WRITE-lock release has
 * returned to SQLite (docs/ARCHITECTURE.md, "WAL commits are named after the lock release
 * returns"). The commit path records the transaction under {@link Db#mu} and {@link #submit}s its
 * pages; the store's naming thread writes the files in submission (TXID) order, each through {@link
 * LtxFiles#write} without fsync (the WAL covers it until the generation ends), and then advances
 * the named position ({@link Db#publishNamed}).
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
  private final Executor thread;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private Throwable failed;
  private int queuedPages;

  /** Recently named merged files by MinTXID, for the stream's lookup; bounded, oldest evicted. */
  private final java.util.concurrent.ConcurrentSkipListMap<Long, LtxFileName> merged =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  LtxNamer(Db db, Executor thread) {
    this.db = db;
    this.thread = thread;
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
    }
    thread.execute(this::writeNext);
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
      while (!queue.isEmpty() && failed == null) {
        await();
      }
      check();
    }
  }

  private void writeNext() {
    List<Item> batch = new ArrayList<>();
    synchronized (this) {
      if (failed != null) {
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
