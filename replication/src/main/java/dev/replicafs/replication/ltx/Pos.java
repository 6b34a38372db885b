package dev.replicafs.replication.ltx;

/**
 * A replication position: the last applied TXID and the database checksum after it.
 *
 * <p>Text form {@code %016x/%016x} (33 characters, lowercase hex), e.g. {@code
 * 00000000000003e8/80000000000007d0}, as LiteFS shows it in {@code <db>-pos} and sends it over
 * HTTP. {@link #ZERO} is the position of a database that has never had a transaction.
 */
public record Pos(long txid, long postApplyChecksum) implements Comparable<Pos> {
  /** The position before the first transaction. */
  public static final Pos ZERO = new Pos(0, 0);

  /** Length of the text form. */
  public static final int TEXT_LENGTH = 33;

  /** Rejects a non-zero checksum without bit 63. */
  public Pos {
    if (postApplyChecksum != 0 && (postApplyChecksum & DatabaseChecksum.FLAG) == 0) {
      throw new IllegalArgumentException(
          String.format(
              "position checksum %016x must be zero or have bit 63 set", postApplyChecksum));
    }
  }

  /** True for {@link #ZERO}. */
  public boolean isZero() {
    return txid == 0 && postApplyChecksum == 0;
  }

  /** The text form {@code %016x/%016x}. */
  public String format() {
    return LtxFileName.hex16(txid) + "/" + LtxFileName.hex16(postApplyChecksum);
  }

  @Override
  public String toString() {
    return format();
  }

  /** Orders by TXID (unsigned), then checksum, so sorting is stable. */
  @Override
  public int compareTo(Pos o) {
    int c = Long.compareUnsigned(txid, o.txid);
    return c != 0 ? c : Long.compareUnsigned(postApplyChecksum, o.postApplyChecksum);
  }

  /**
   * Parses the text form strictly: exactly 16 lowercase hex digits, {@code /}, 16 lowercase hex
   * digits.
   *
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  public static Pos parse(String text) {
    if (text == null
        || text.length() != TEXT_LENGTH
        || text.charAt(16) != '/'
        || !LtxFileName.isLowerHex(text, 0, 16)
        || !LtxFileName.isLowerHex(text, 17, 33)) {
      throw new IllegalArgumentException(
          "position must be 16 lowercase hex digits, '/', 16 lowercase hex digits: " + text);
    }
    return new Pos(
        Long.parseUnsignedLong(text, 0, 16, 16), Long.parseUnsignedLong(text, 17, 33, 16));
  }
}
