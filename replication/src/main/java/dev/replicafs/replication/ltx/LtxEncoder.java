package dev.replicafs.replication.ltx;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Streams one LTX v1 file to an {@link OutputStream}: the header at {@link #open}, each page frame
 * as it is written, and the end marker plus trailer at {@link #finish}. Nothing but one page (and,
 * with LZ4, one 64 KiB block) is held in memory.
 *
 * <p>Pages are checked before any byte is written, with the rules of ltx v0.3.14's encoder plus
 * snapshot completeness: {@code 1 <= pgno <= commit}, never the lock page, exactly {@code pageSize}
 * bytes, strictly ascending, and for a snapshot every page {@code 1..commit} except the lock page.
 * A rejected page leaves the encoder usable.
 *
 * <p>The file checksum is computed over the uncompressed bytes, so raw and LZ4 files with the same
 * header differ only by the flags word. For a snapshot the post-apply checksum is the checksum of
 * its pages and {@link #finish()} supplies it; an incremental file needs the caller's value.
 *
 * <p>The encoder does not buffer or close the target: wrap files in a {@code BufferedOutputStream},
 * and close the stream yourself. Not thread-safe.
 */
public final class LtxEncoder {
  private final OutputStream out;
  private final LtxHeader header;
  private final Lz4FrameWriter lz4;
  private final PageOrder order;
  private final DatabaseChecksum pages = new DatabaseChecksum();
  private final byte[] pgnoBytes = new byte[4];
  private byte[] scratch;
  private final long[] frameShift;
  private long crc;
  private long lastPageChecksum;
  private long offset;
  private int pageCount;
  private boolean finished;

  private LtxEncoder(OutputStream out, LtxHeader header) {
    this.out = out;
    this.header = header;
    this.lz4 = header.isCompressed() ? new Lz4FrameWriter(out) : null;
    this.order = new PageOrder(header);
    this.frameShift = Crc64.zeros(4 + header.pageSize());
  }

  /** Writes the header and returns an encoder for the page block. */
  public static LtxEncoder open(OutputStream out, LtxHeader header) throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(header, "header");
    LtxEncoder enc = new LtxEncoder(out, header);
    byte[] h = header.encode();
    out.write(h);
    enc.crc = Crc64.update(0, h, 0, h.length);
    enc.offset = LtxHeader.SIZE;
    return enc;
  }

  /** The header written at open. */
  public LtxHeader header() {
    return header;
  }

  /** Pages written so far. */
  public int pageCount() {
    return pageCount;
  }

  /** The rolling checksum of the pages written so far; a complete snapshot's post-apply value. */
  public long pagesChecksum() {
    return pages.value();
  }

  /**
   * The checksum of the page last written ({@code FLAG | CRC64(BE32(pgno) || data)}), computed
   * while encoding, so a writer can update its per-page checksum table without hashing again.
   */
  public long lastPageChecksum() {
    return lastPageChecksum;
  }

  /** Writes page {@code pgno}, whose content is all of {@code data}. */
  public void writePage(long pgno, byte[] data) throws IOException {
    writePage(pgno, data, 0, data.length);
  }

  /** Writes page {@code pgno}, whose content is {@code data[off, off+len)}. */
  public void writePage(long pgno, byte[] data, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, data.length);
    checkOpen();
    if (len != header.pageSize()) {
      throw new LtxFormatException(
          Kind.BAD_PAGE_LENGTH,
          offset,
          "page " + pgno + " has " + len + " bytes; page size is " + header.pageSize());
    }
    order.accept(pgno, offset);
    pgnoBytes[0] = (byte) (pgno >>> 24);
    pgnoBytes[1] = (byte) (pgno >>> 16);
    pgnoBytes[2] = (byte) (pgno >>> 8);
    pgnoBytes[3] = (byte) pgno;
    long frameCrc =
        ~Crc64.updateInverted(Crc64.updateInverted(-1L, pgnoBytes, 0, 4), data, off, len);
    lastPageChecksum = DatabaseChecksum.FLAG | frameCrc;
    pages.add(lastPageChecksum);
    crc = Crc64.apply(frameShift, crc) ^ frameCrc;
    emit(pgnoBytes, 0, 4);
    emit(data, off, len);
    offset += 4 + len;
    pageCount++;
  }

  /** Writes page {@code pgno}, whose content is the buffer's remaining bytes (consumed). */
  public void writePage(long pgno, ByteBuffer data) throws IOException {
    int len = data.remaining();
    if (data.hasArray()) {
      writePage(pgno, data.array(), data.arrayOffset() + data.position(), len);
    } else {
      if (len != header.pageSize()) {
        checkOpen();
        throw new LtxFormatException(
            Kind.BAD_PAGE_LENGTH,
            offset,
            "page " + pgno + " has " + len + " bytes; page size is " + header.pageSize());
      }
      if (scratch == null) {
        scratch = new byte[header.pageSize()];
      }
      data.duplicate().get(scratch, 0, len);
      writePage(pgno, scratch, 0, len);
    }
    data.position(data.limit());
  }

  /**
   * Ends a snapshot or a deletion ({@code commit == 0}) whose post-apply checksum the encoder
   * knows: the pages' checksum for a snapshot, {@link DatabaseChecksum#EMPTY} for a deletion.
   *
   * @throws IllegalStateException for an incremental file that does not delete the database
   */
  public LtxTrailer finish() throws IOException {
    if (header.isSnapshot()) {
      return finish(pages.value());
    }
    if (header.commit() == 0) {
      return finish(DatabaseChecksum.EMPTY);
    }
    throw new IllegalStateException(
        "an incremental file needs the caller's post-apply checksum: use finish(long)");
  }

  /**
   * Writes the end marker and the trailer. For a snapshot {@code postApplyChecksum} must equal the
   * checksum of its pages; when {@code commit == 0} it must be {@link DatabaseChecksum#EMPTY}.
   */
  public LtxTrailer finish(long postApplyChecksum) throws IOException {
    checkOpen();
    order.checkComplete(offset);
    LtxTrailer.checkAgainst(header, postApplyChecksum);
    if (header.isSnapshot() && postApplyChecksum != pages.value()) {
      throw new LtxFormatException(
          Kind.POST_APPLY_CHECKSUM_MISMATCH,
          String.format(
              "snapshot post-apply checksum %016x differs from its pages' checksum %016x",
              postApplyChecksum, pages.value()));
    }
    finished = true;
    byte[] end = new byte[4];
    crc = Crc64.update(crc, end, 0, 4);
    emit(end, 0, 4);
    if (lz4 != null) {
      lz4.finish();
    }
    crc = Crc64.updateLong(crc, postApplyChecksum);
    LtxTrailer trailer = new LtxTrailer(postApplyChecksum, DatabaseChecksum.FLAG | crc);
    byte[] t = new byte[LtxTrailer.SIZE];
    trailer.encodeTo(ByteBuffer.wrap(t));
    out.write(t);
    return trailer;
  }

  private void emit(byte[] b, int off, int len) throws IOException {
    if (lz4 != null) {
      lz4.write(b, off, len);
    } else {
      out.write(b, off, len);
    }
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("encoder already finished");
    }
  }
}
