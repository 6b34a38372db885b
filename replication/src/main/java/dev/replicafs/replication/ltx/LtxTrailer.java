package dev.replicafs.replication.ltx;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.nio.ByteBuffer;

/**
 * The 16-byte LTX trailer, always the last 16 bytes of a file.
 *
 * <pre>
 * off size field
 *   0   8  postApplyChecksum  database checksum after apply; non-zero, bit 63 set
 *   8   8  fileChecksum       FLAG | CRC64ISO(header, uncompressed page block, bytes 0..7 here)
 * </pre>
 *
 * <p>One more rule needs the header: when {@code commit == 0} the post-apply checksum must be
 * exactly {@link DatabaseChecksum#EMPTY}; see {@link #checkAgainst}.
 */
public record LtxTrailer(long postApplyChecksum, long fileChecksum) {
  /** Encoded size in bytes. */
  public static final int SIZE = 16;

  /** Rejects values without the checksum flag. */
  public LtxTrailer {
    LtxFormatException e = problem(postApplyChecksum, fileChecksum);
    if (e != null) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The position a database reaches by applying a file with this trailer. */
  public Pos postApplyPos(LtxHeader header) {
    return new Pos(header.maxTxid(), postApplyChecksum);
  }

  /** Writes the 16 bytes big-endian at the buffer's position. */
  public void encodeTo(ByteBuffer out) {
    int p = out.position();
    out.putLong(p, postApplyChecksum).putLong(p + 8, fileChecksum);
    out.position(p + SIZE);
  }

  /** Parses and validates 16 trailer bytes. */
  public static LtxTrailer decode(byte[] b, int off) throws LtxFormatException {
    ByteBuffer in = ByteBuffer.wrap(b, off, SIZE).slice();
    long post = in.getLong(0);
    long file = in.getLong(8);
    LtxFormatException e = problem(post, file);
    if (e != null) {
      throw e;
    }
    return new LtxTrailer(post, file);
  }

  /** Checks the rule that joins header and trailer: a deletion's post-apply must be EMPTY. */
  public static void checkAgainst(LtxHeader header, long postApplyChecksum)
      throws LtxFormatException {
    if ((postApplyChecksum & DatabaseChecksum.FLAG) == 0) {
      throw new LtxFormatException(
          Kind.BAD_TRAILER,
          String.format(
              "post-apply checksum %016x must be non-zero with bit 63 set", postApplyChecksum));
    }
    if (header.commit() == 0 && postApplyChecksum != DatabaseChecksum.EMPTY) {
      throw new LtxFormatException(
          Kind.BAD_TRAILER,
          String.format(
              "commit is 0 (deleted database) so the post-apply checksum must be %016x, not %016x",
              DatabaseChecksum.EMPTY, postApplyChecksum));
    }
  }

  private static LtxFormatException problem(long post, long file) {
    if ((post & DatabaseChecksum.FLAG) == 0) {
      return new LtxFormatException(
          Kind.BAD_TRAILER,
          String.format("post-apply checksum %016x must be non-zero with bit 63 set", post));
    }
    if ((file & DatabaseChecksum.FLAG) == 0) {
      return new LtxFormatException(
          Kind.BAD_TRAILER,
          String.format("file checksum %016x must be non-zero with bit 63 set", file));
    }
    return null;
  }
}
