package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import java.util.Arrays;
import java.util.Map;

/**
 * The per-page checksums of one database's logical content (WAL pages overlaid) and their running
 * XOR, so that a commit or an apply updates the database checksum with work proportional to the
 * pages it touches: {@code db = FLAG | XOR(page checksums)}, the lock page excluded. Eight bytes
 * per page (2 MiB per GiB at 4 KiB pages). Not thread-safe; the owning {@link Db} serializes use.
 */
final class PageChecksums {
  private final int pageSize;
  private final long lockPgno;
  private long[] pages;
  private int count;
  private long xor;

  PageChecksums(int pageSize) {
    this(pageSize, new long[0], 0);
  }

  /** Adopts {@code pages[0..count)} (entry {@code i} is page {@code i+1}; the lock page is 0). */
  PageChecksums(int pageSize, long[] pages, int count) {
    this.pageSize = pageSize;
    this.lockPgno = pageSize == 0 ? 0 : DatabaseChecksum.lockPgno(pageSize);
    this.pages = pages;
    this.count = count;
    for (int i = 0; i < count; i++) {
      if (i + 1 != lockPgno) {
        xor ^= pages[i];
      }
    }
  }

  /** An independent copy (a group apply checks each file against the state the previous leaves). */
  PageChecksums copy() {
    return new PageChecksums(pageSize, Arrays.copyOf(pages, Math.max(count, 1)), count);
  }

  int pageSize() {
    return pageSize;
  }

  long lockPgno() {
    return lockPgno;
  }

  /** Number of pages (the database's commit size). */
  int count() {
    return count;
  }

  /** Checksum of page {@code pgno}, 0 beyond the end or for the lock page. */
  long get(long pgno) {
    return pgno >= 1 && pgno <= count ? pages[(int) pgno - 1] : 0;
  }

  /** Sets a page's checksum; the page must be within {@link #count()} and not the lock page. */
  void set(long pgno, long checksum) {
    if (pgno < 1 || pgno > count || pgno == lockPgno) {
      throw new IllegalArgumentException("page " + pgno + " outside 1.." + count + " or lock page");
    }
    int i = (int) pgno - 1;
    xor ^= pages[i] ^ checksum;
    pages[i] = checksum;
  }

  /**
   * Changes the page count. Shrinking XORs the dropped pages out; growing adds pages with checksum
   * 0 that the caller must {@link #set} before the value is meaningful.
   */
  void resize(long newCount) {
    if (newCount < 0 || newCount > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("page count out of range: " + newCount);
    }
    int n = (int) newCount;
    for (int i = n; i < count; i++) {
      xor ^= pages[i];
      pages[i] = 0;
    }
    if (n > pages.length) {
      pages = Arrays.copyOf(pages, Math.max(n, pages.length + pages.length / 2));
    }
    count = n;
  }

  /** The database checksum, {@link DatabaseChecksum#EMPTY} for zero pages. */
  long value() {
    return DatabaseChecksum.FLAG | xor;
  }

  /**
   * The database checksum after setting the pages in {@code changes} (page number to checksum) and
   * resizing to {@code newCount}, without changing this table: work is proportional to the changed
   * and dropped pages.
   */
  long valueAfter(Map<Long, Long> changes, long newCount) {
    long x = xor;
    for (long p = newCount + 1; p <= count; p++) {
      x ^= pages[(int) p - 1];
    }
    for (Map.Entry<Long, Long> e : changes.entrySet()) {
      long p = e.getKey();
      if (p <= newCount && p != lockPgno) {
        x ^= (p <= count ? pages[(int) p - 1] : 0) ^ e.getValue();
      }
    }
    return DatabaseChecksum.FLAG | x;
  }

  /** Resizes to {@code newCount} and sets the pages in {@code changes} that fit. */
  void apply(Map<Long, Long> changes, long newCount) {
    resize(newCount);
    for (Map.Entry<Long, Long> e : changes.entrySet()) {
      if (e.getKey() <= newCount && e.getKey() != lockPgno) {
        set(e.getKey(), e.getValue());
      }
    }
  }
}
