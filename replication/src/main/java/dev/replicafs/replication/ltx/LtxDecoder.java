package dev.replicafs.replication.ltx;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Reads one LTX v1 file from a stream and verifies it while reading.
 *
 * <p>{@link #open} reads and validates the header. Each {@link #nextPage} call returns one page;
 * the call that meets the end-of-block marker reads the trailer and verifies the whole file before
 * it returns 0: file checksum, trailer rules, a snapshot's post-apply checksum, and (strict mode)
 * snapshot completeness and the absence of trailing bytes. Pages handed out before that are
 * <em>unverified</em>: a caller applying them must be able to undo or discard its work when a later
 * call fails.
 *
 * <p>Modes: {@link Mode#STRICT} (default) also enforces the encoder's page rules (range, lock page,
 * ascending order, dense snapshots), zero reserved header bytes and no trailing bytes. {@link
 * Mode#LENIENT} accepts exactly what the ltx v0.3.14 decoder accepts, for reading any file LiteFS
 * reads.
 *
 * <p>Every kind of damage ends in a {@link LtxFormatException} with its {@link Kind}; nothing on
 * the input can make the decoder throw an unchecked exception, loop without consuming input, or
 * allocate more than one page plus one LZ4 block, whatever sizes the header claims. The decoder
 * does not buffer or close the stream: wrap files in a {@code BufferedInputStream}. In strict mode
 * the stream must end with the file (the decoder reads one byte past the trailer to prove it); to
 * read a file embedded in a longer stream, bound the stream to the file or use lenient mode, which
 * stops right after the trailer. Not thread-safe.
 */
public final class LtxDecoder {
  /** How much of the encoder's rules the decoder enforces. */
  public enum Mode {
    /** Encoder rules, zero reserved bytes, nothing after the trailer. */
    STRICT,
    /** What ltx v0.3.14 accepts: any non-zero page numbers, trailing bytes ignored. */
    LENIENT
  }

  /** Receives decoded pages; {@code data} is reused for the next page. */
  @FunctionalInterface
  public interface PageSink {
    /** Takes page {@code pgno}; {@code data} holds exactly page-size bytes. */
    void accept(long pgno, byte[] data) throws IOException;
  }

  private final LtxInput in;
  private final Mode mode;
  private final LtxHeader header;
  private final Lz4FrameReader lz4;
  private final PageOrder order;
  private final DatabaseChecksum pages = new DatabaseChecksum();
  private final long lockPgno;
  private final byte[] word = new byte[4];
  private final long[] frameShift;
  private long crc;
  private long lastPageChecksum;
  private int pageCount;
  private LtxTrailer trailer;
  private byte[] ownPage;
  private IOException failure;

  private LtxDecoder(LtxInput in, Mode mode, LtxHeader header, long crc) {
    this.in = in;
    this.mode = mode;
    this.header = header;
    this.crc = crc;
    this.lz4 = header.isCompressed() ? new Lz4FrameReader(in) : null;
    this.order = new PageOrder(header);
    this.lockPgno = header.lockPgno();
    this.frameShift = Crc64.zeros(4 + header.pageSize());
  }

  /** Reads and validates the header in strict mode. */
  public static LtxDecoder open(InputStream in) throws IOException {
    return open(in, Mode.STRICT);
  }

  /** Reads and validates the header. */
  public static LtxDecoder open(InputStream in, Mode mode) throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(mode, "mode");
    LtxInput input = new LtxInput(in);
    byte[] h = new byte[LtxHeader.SIZE];
    input.readFully(h, 0, h.length, "header");
    LtxHeader header = LtxHeader.decode(h, 0, mode == Mode.STRICT);
    return new LtxDecoder(input, mode, header, Crc64.update(0, h, 0, h.length));
  }

  /** The validated header. */
  public LtxHeader header() {
    return header;
  }

  /** Pages returned so far. */
  public int pageCount() {
    return pageCount;
  }

  /** True once the trailer has been read and the file verified. */
  public boolean isFinished() {
    return trailer != null;
  }

  /**
   * The rolling checksum of the pages read so far, lock page excluded; for a finished snapshot this
   * is its verified post-apply checksum.
   */
  public long pagesChecksum() {
    return pages.value();
  }

  /**
   * The checksum of the page last returned by {@link #nextPage} ({@code FLAG | CRC64(BE32(pgno) ||
   * data)}), computed while decoding at no extra cost.
   */
  public long lastPageChecksum() {
    return lastPageChecksum;
  }

  /**
   * The verified trailer.
   *
   * @throws IllegalStateException before {@link #nextPage} has returned 0
   */
  public LtxTrailer trailer() {
    if (trailer == null) {
      throw new IllegalStateException("trailer is read after the last page");
    }
    return trailer;
  }

  /**
   * Reads the next page into {@code page[0, pageSize)} and returns its number, or returns 0 after
   * the end of the page block once the whole file has been verified (and on every later call).
   * After it has thrown, the decoder is unusable and further calls throw {@link
   * IllegalStateException}.
   */
  public long nextPage(byte[] page) throws IOException {
    if (page.length < header.pageSize()) {
      throw new IllegalArgumentException(
          "page buffer has " + page.length + " bytes; page size is " + header.pageSize());
    }
    if (trailer != null) {
      return 0;
    }
    if (failure != null) {
      throw new IllegalStateException("decoder already failed: " + failure.getMessage(), failure);
    }
    try {
      return readPage(page);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  private long readPage(byte[] page) throws IOException {
    long frameOffset = in.offset();
    readBlock(word, 4, 0);
    long pgno =
        Integer.toUnsignedLong(
            (word[0] & 0xFF) << 24
                | (word[1] & 0xFF) << 16
                | (word[2] & 0xFF) << 8
                | word[3] & 0xFF);
    if (pgno == 0) {
      crc = Crc64.update(crc, word, 0, 4);
      finish();
      return 0;
    }
    if (mode == Mode.STRICT) {
      order.accept(pgno, frameOffset);
    }
    int ps = header.pageSize();
    readBlock(page, ps, pgno);
    long frameCrc = ~Crc64.updateInverted(Crc64.updateInverted(-1L, word, 0, 4), page, 0, ps);
    crc = Crc64.apply(frameShift, crc) ^ frameCrc;
    lastPageChecksum = DatabaseChecksum.FLAG | frameCrc;
    if (header.isSnapshot() && pgno != lockPgno) {
      pages.add(lastPageChecksum);
    }
    pageCount++;
    return pgno;
  }

  /** Passes every page to {@code sink}, verifies the file and returns its trailer. */
  public LtxTrailer readAll(PageSink sink) throws IOException {
    if (ownPage == null) {
      ownPage = new byte[header.pageSize()];
    }
    long pgno;
    while ((pgno = nextPage(ownPage)) != 0) {
      sink.accept(pgno, ownPage);
    }
    return trailer;
  }

  /** Reads and verifies the rest of the file, discarding pages. */
  public LtxTrailer verify() throws IOException {
    return readAll((pgno, data) -> {});
  }

  /** Reads a page header ({@code pgno == 0}) or the data of page {@code pgno}. */
  private void readBlock(byte[] b, int len, long pgno) throws IOException {
    if (lz4 == null) {
      in.readFully(b, 0, len, pgno == 0 ? "page header" : "page data");
      return;
    }
    int off = 0;
    while (off < len) {
      int n = lz4.read(b, off, len - off);
      if (n < 0) {
        throw new LtxFormatException(
            Kind.BAD_LZ4_FRAME,
            in.offset(),
            "lz4 frame ends inside the " + (pgno == 0 ? "page header" : "data of page " + pgno));
      }
      off += n;
    }
  }

  private void finish() throws IOException {
    if (lz4 != null && lz4.read(word, 0, 1) >= 0) {
      throw new LtxFormatException(
          Kind.BAD_LZ4_FRAME,
          in.offset(),
          "lz4 frame continues after the end-of-page-block marker");
    }
    long trailerOffset = in.offset();
    byte[] t = new byte[LtxTrailer.SIZE];
    in.readFully(t, 0, t.length, "trailer");
    crc = Crc64.update(crc, t, 0, 8);
    long fileChecksum = ByteBuffer.wrap(t).getLong(8);
    long computed = DatabaseChecksum.FLAG | crc;
    if (fileChecksum != computed) {
      throw new LtxFormatException(
          Kind.FILE_CHECKSUM_MISMATCH,
          trailerOffset + 8,
          String.format("file checksum is %016x, computed %016x", fileChecksum, computed));
    }
    if (mode == Mode.STRICT) {
      order.checkComplete(trailerOffset);
    }
    LtxTrailer decoded = LtxTrailer.decode(t, 0);
    LtxTrailer.checkAgainst(header, decoded.postApplyChecksum());
    if (header.isSnapshot() && decoded.postApplyChecksum() != pages.value()) {
      throw new LtxFormatException(
          Kind.POST_APPLY_CHECKSUM_MISMATCH,
          trailerOffset,
          String.format(
              "snapshot post-apply checksum is %016x, its pages give %016x",
              decoded.postApplyChecksum(), pages.value()));
    }
    if (mode == Mode.STRICT && !in.atEof()) {
      throw new LtxFormatException(
          Kind.TRAILING_BYTES, in.offset() - 1, "bytes follow the trailer");
    }
    trailer = decoded;
  }
}
