package dev.replicafs.replication.sqlite;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One committed WAL transaction: a run of frames ending with a commit frame.
 *
 * <p>This is what an LTX file is built from (see ltx-format.md §10): {@code startOffset} is the LTX
 * WALOffset, {@code endOffset - startOffset} the WALSize, {@code commitSize} the Commit, and {@code
 * pages} the last version of each page written by the transaction.
 *
 * @param startOffset offset of the transaction's first frame
 * @param endOffset offset just past the commit frame (where the next transaction starts)
 * @param frameCount number of frames, the commit frame included
 * @param commitSize database size in pages after the commit
 * @param pages page number to the offset of the frame holding its last version in this transaction
 *     (the frame header; page data follows 24 bytes later), ascending by page number
 * @param endChecksum cumulative checksum of the commit frame, to resume reading at {@code
 *     endOffset}
 */
public record WalTransaction(
    long startOffset,
    long endOffset,
    int frameCount,
    long commitSize,
    NavigableMap<Long, Long> pages,
    WalChecksum endChecksum) {

  /** Validates offsets and copies the page map into an unmodifiable one. */
  public WalTransaction {
    if (startOffset < WalHeader.SIZE || endOffset <= startOffset || frameCount <= 0) {
      throw new IllegalArgumentException(
          "wal transaction: bad range " + startOffset + ".." + endOffset + " of " + frameCount);
    }
    if (commitSize <= 0) {
      throw new IllegalArgumentException("wal transaction: commit size must be > 0");
    }
    pages = Collections.unmodifiableNavigableMap(new TreeMap<>(pages));
    if (endChecksum == null) {
      throw new IllegalArgumentException("wal transaction: end checksum is required");
    }
  }

  /** Bytes from the first frame through the commit frame (the LTX WALSize). */
  public long size() {
    return endOffset - startOffset;
  }

  /** Offset of frame {@code index} (0-based within this transaction). */
  public long frameOffset(int index) {
    if (index < 0 || index >= frameCount) {
      throw new IndexOutOfBoundsException(index);
    }
    return startOffset + index * ((endOffset - startOffset) / frameCount);
  }
}
