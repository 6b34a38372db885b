package dev.replicafs.replication.store;

/**
 * An LTX file was refused by {@link Db#apply}; the database, its position and its LTX files are
 * unchanged. The {@link Reason} says what a caller (the replication stream) should do: a gap or a
 * checksum mismatch means the replica must ask for a snapshot; a corrupt file means fetch it again.
 */
public final class LtxApplyException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** Why the file was refused. */
  public enum Reason {
    /** MinTXID does not follow the current TXID. */
    GAP,
    /** PreApplyChecksum differs from the current checksum. */
    PRE_APPLY_CHECKSUM_MISMATCH,
    /** Applying the pages would not give the file's PostApplyChecksum. */
    POST_APPLY_CHECKSUM_MISMATCH,
    /** The page size differs from the database's. */
    PAGE_SIZE_MISMATCH,
    /** The file grows the database without carrying every new page. */
    MISSING_PAGES,
    /** The bytes are not a valid LTX file (checksum, framing, header rules). */
    CORRUPT
  }

  private final Reason reason;

  public LtxApplyException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public LtxApplyException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
