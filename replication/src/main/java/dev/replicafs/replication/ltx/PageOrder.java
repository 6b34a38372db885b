package dev.replicafs.replication.ltx;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;

/**
 * The page-block rules of ltx v0.3.14's encoder, shared by the encoder and the strict decoder:
 * {@code 1 <= pgno <= commit}, never the lock page; incremental files strictly ascending; snapshots
 * dense from page 1 with the lock page as the only gap, and complete up to {@code commit}.
 */
final class PageOrder {
  private final boolean snapshot;
  private final long commit;
  private final long lockPgno;
  private long prev;

  PageOrder(LtxHeader header) {
    this.snapshot = header.isSnapshot();
    this.commit = header.commit();
    this.lockPgno = header.lockPgno();
  }

  /** Accepts the next page number or says why it is out of place. */
  void accept(long pgno, long offset) throws LtxFormatException {
    if (pgno < 1 || pgno > commit) {
      throw new LtxFormatException(
          Kind.PAGE_OUT_OF_RANGE,
          offset,
          "page " + pgno + " is outside 1.." + commit + " (the header's commit)");
    }
    if (pgno == lockPgno) {
      throw new LtxFormatException(
          Kind.LOCK_PAGE, offset, "page " + pgno + " is the lock page and never stored");
    }
    if (snapshot) {
      long want = expectedNext();
      if (pgno != want) {
        throw new LtxFormatException(
            Kind.PAGE_ORDER,
            offset,
            "snapshot page " + pgno + " follows page " + prev + "; expected page " + want);
      }
    } else if (pgno <= prev) {
      throw new LtxFormatException(
          Kind.PAGE_ORDER,
          offset,
          "page " + pgno + " follows page " + prev + "; pages must be strictly ascending");
    }
    prev = pgno;
  }

  /** Checks that a snapshot holds every page up to commit. */
  void checkComplete(long offset) throws LtxFormatException {
    if (snapshot && expectedNext() <= commit) {
      throw new LtxFormatException(
          Kind.INCOMPLETE_SNAPSHOT,
          offset,
          "snapshot ends after page " + prev + " but commit is " + commit);
    }
  }

  private long expectedNext() {
    long next = prev + 1;
    return next == lockPgno ? next + 1 : next;
  }
}
