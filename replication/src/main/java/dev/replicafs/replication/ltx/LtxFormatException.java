package dev.replicafs.replication.ltx;

import java.io.IOException;
import java.util.Objects;

/**
 * An LTX file, a file name, a sequence of files or a database image that breaks a rule of the
 * format. Every kind of damage a decoder can meet maps to exactly one {@link Kind}, so callers can
 * decide (re-fetch, snapshot, fail) without parsing messages.
 *
 * <p>It is a checked {@link IOException}: damaged input is an expected condition at the edges of
 * the system (disk, network), never a programming error.
 */
public final class LtxFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What is wrong. Names describe the damage, not the place it was found. */
  public enum Kind {
    /** The first four bytes are not {@code LTX1}. */
    BAD_MAGIC,
    /** A header flag other than {@code 0x1} (CompressLZ4) is set. */
    BAD_FLAGS,
    /** The page size is not a power of two from 512 to 65536. */
    BAD_PAGE_SIZE,
    /** MinTXID or MaxTXID is zero, or MinTXID is greater than MaxTXID. */
    BAD_TXID_RANGE,
    /** The WAL offset, size and salt fields break the v0.3.14 consistency rules. */
    BAD_WAL_FIELDS,
    /** PreApplyChecksum is non-zero in a snapshot, or zero or unflagged in an incremental file. */
    BAD_PRE_APPLY_CHECKSUM,
    /** A reserved header byte is not zero (strict mode only). */
    BAD_RESERVED_BYTES,
    /** A page number is zero or greater than the header's Commit. */
    PAGE_OUT_OF_RANGE,
    /** The lock page (the page holding byte offset 1 GiB) appears in the file. */
    LOCK_PAGE,
    /** Page data does not have exactly PageSize bytes. */
    BAD_PAGE_LENGTH,
    /** Pages are not ascending, are duplicated, or a snapshot skips a page. */
    PAGE_ORDER,
    /** A snapshot ends before its last page (Commit). */
    INCOMPLETE_SNAPSHOT,
    /** The input ends before the file does. */
    TRUNCATED,
    /** The LZ4 frame is malformed, uses an unsupported feature, or fails its own checksums. */
    BAD_LZ4_FRAME,
    /** The trailer's FileChecksum does not match the bytes. */
    FILE_CHECKSUM_MISMATCH,
    /** A snapshot's PostApplyChecksum does not match the checksum of its pages. */
    POST_APPLY_CHECKSUM_MISMATCH,
    /** Trailer values break the trailer rules (flag bit, deletion checksum). */
    BAD_TRAILER,
    /** Bytes follow the trailer (strict mode only). */
    TRAILING_BYTES,
    /** Files to compact or apply do not form a valid sequence (page size, TXID contiguity). */
    BAD_SEQUENCE,
    /** A database image cannot be checksummed: bad SQLite header or shorter than its pages. */
    BAD_DATABASE_IMAGE
  }

  private final Kind kind;
  private final long offset;

  /**
   * Creates an exception.
   *
   * @param kind what is wrong
   * @param offset byte offset in the LTX file (uncompressed view for page data) where the damage
   *     was found, or -1 if it has none
   * @param message what was found and what was expected
   */
  public LtxFormatException(Kind kind, long offset, String message) {
    super(kind + (offset >= 0 ? " at offset " + offset : "") + ": " + message);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.offset = offset;
  }

  /** Creates an exception without an offset. */
  public LtxFormatException(Kind kind, String message) {
    this(kind, -1, message);
  }

  /** What is wrong. */
  public Kind kind() {
    return kind;
  }

  /** Byte offset of the damage, or -1 when not tied to one place. */
  public long offset() {
    return offset;
  }
}
