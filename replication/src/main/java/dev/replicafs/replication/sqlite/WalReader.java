package dev.replicafs.replication.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads the frames of a SQLite WAL in order and groups them into committed transactions, with the
 * validity rules of SQLite's WAL recovery ({@code walIndexRecover}/{@code walDecodeFrame}).
 *
 * <p>A frame is valid if its page number is not 0, its salts equal the header's and its stored
 * cumulative checksum equals the checksum computed over every frame before it (starting from the
 * header checksum) plus its own first 8 header bytes and page data. Reading stops at the first
 * frame that is not valid or not complete; {@link #stop()} says why. Only frames up to the last
 * commit frame before that point count: a trailing run of frames with no commit frame belongs to a
 * transaction that never committed.
 *
 * <p>The store reads only what was appended since its last commit: {@link #resume} starts at a
 * frame boundary with the running checksum saved from the previous transaction ({@link
 * WalTransaction#endChecksum()}).
 *
 * <p>Not thread-safe; one reader per scan. Memory: one frame buffer.
 */
public final class WalReader {
  private final PositionalSource source;
  private final WalHeader header;
  private final ByteBuffer frame;
  private final boolean bigEndian;
  private long offset;
  private long checksum;
  private WalStop stop = WalStop.NONE;

  private WalReader(PositionalSource source, WalHeader header, long offset, WalChecksum running) {
    this.source = source;
    this.header = header;
    this.frame = ByteBuffer.allocate(header.frameSize());
    this.bigEndian = header.bigEndianChecksums();
    this.offset = offset;
    this.checksum = WalChecksum.pack(running.s1(), running.s2());
  }

  /**
   * Reads and verifies the header of {@code source} and positions the reader at the first frame.
   *
   * @throws SqliteFormatException if the header is short or invalid (SQLite would ignore the WAL)
   */
  public static WalReader open(PositionalSource source) throws IOException {
    WalHeader header = WalHeader.read(source);
    return new WalReader(source, header, WalHeader.SIZE, header.checksum());
  }

  /**
   * Positions a reader at frame offset {@code offset} of a WAL whose header is {@code header}, with
   * {@code running} the cumulative checksum of the frame just before it (the header checksum at
   * offset 32).
   */
  public static WalReader resume(
      PositionalSource source, WalHeader header, long offset, WalChecksum running) {
    if (offset < WalHeader.SIZE || (offset - WalHeader.SIZE) % header.frameSize() != 0) {
      throw new IllegalArgumentException(
          "wal offset " + offset + " is not a frame boundary for page size " + header.pageSize());
    }
    return new WalReader(source, header, offset, running);
  }

  /** The WAL header. */
  public WalHeader header() {
    return header;
  }

  /** Offset of the next frame to read. */
  public long offset() {
    return offset;
  }

  /** Cumulative checksum of the last frame read (or the starting value). */
  public WalChecksum checksum() {
    return new WalChecksum((int) (checksum >>> 32), (int) checksum);
  }

  /** Why reading stopped, or {@link WalStop#NONE} while frames may still follow. */
  public WalStop stop() {
    return stop;
  }

  /**
   * Reads the next frame if it is valid.
   *
   * @param page if not null, receives the frame's page data (needs page-size bytes remaining)
   * @return the frame, or null once reading stopped (see {@link #stop()})
   */
  public WalFrame nextFrame(ByteBuffer page) throws IOException {
    if (stop != WalStop.NONE) {
      return null;
    }
    frame.clear();
    if (!source.readFully(frame, offset)) {
      stop = frame.position() == 0 ? WalStop.END_OF_FILE : WalStop.TRUNCATED_FRAME;
      return null;
    }
    long pgno = Integer.toUnsignedLong(frame.getInt(0));
    long commit = Integer.toUnsignedLong(frame.getInt(4));
    if (frame.getInt(8) != header.salt1() || frame.getInt(12) != header.salt2()) {
      stop = WalStop.SALT_MISMATCH;
      return null;
    }
    if (pgno == 0) {
      stop = WalStop.ZERO_PAGE_NUMBER;
      return null;
    }
    long sum = WalChecksum.update(checksum, bigEndian, frame, 0, 8);
    sum = WalChecksum.update(sum, bigEndian, frame, WalFrame.HEADER_SIZE, header.pageSize());
    if (sum != WalChecksum.pack(frame.getInt(16), frame.getInt(20))) {
      stop = WalStop.CHECKSUM_MISMATCH;
      return null;
    }
    if (page != null) {
      page.put(frame.slice(WalFrame.HEADER_SIZE, header.pageSize()));
    }
    WalFrame result =
        new WalFrame(offset, pgno, commit, new WalChecksum((int) (sum >>> 32), (int) sum));
    checksum = sum;
    offset += frame.capacity();
    return result;
  }

  /**
   * Reads frames up to and including the next commit frame.
   *
   * @return the transaction, or null if reading stopped first; then {@link #offset()} and {@link
   *     #checksum()} are back at the end of the last committed transaction
   */
  public WalTransaction nextTransaction() throws IOException {
    long start = offset;
    long startChecksum = checksum;
    TreeMap<Long, Long> pages = new TreeMap<>();
    int frames = 0;
    WalFrame f;
    while ((f = nextFrame(null)) != null) {
      frames++;
      pages.put(f.pgno(), f.offset());
      if (f.isCommit()) {
        return new WalTransaction(start, offset, frames, f.commitSize(), pages, f.checksum());
      }
    }
    offset = start;
    checksum = startChecksum;
    return null;
  }

  /** Reads every remaining committed transaction. */
  public List<WalTransaction> readTransactions() throws IOException {
    List<WalTransaction> result = new ArrayList<>();
    WalTransaction tx;
    while ((tx = nextTransaction()) != null) {
      result.add(tx);
    }
    return result;
  }
}
