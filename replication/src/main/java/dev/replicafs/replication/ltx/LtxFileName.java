package dev.replicafs.replication.ltx;

import java.util.Optional;

/**
 * The name of an LTX file: {@code <minTxid %016x>-<maxTxid %016x>.ltx}, lowercase only, e.g. {@code
 * 0000000000000001-00000000000003e8.ltx}. Fixed width makes lexicographic order equal to TXID
 * order. LiteFS skips files whose names do not match, so {@link #parse} returns empty rather than
 * throwing.
 */
public record LtxFileName(long minTxid, long maxTxid) implements Comparable<LtxFileName> {
  /** Length of every valid name. */
  public static final int LENGTH = 37;

  /** Suffix of LTX files. */
  public static final String SUFFIX = ".ltx";

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Requires {@code 1 <= minTxid <= maxTxid} (unsigned). */
  public LtxFileName {
    if (minTxid == 0 || Long.compareUnsigned(minTxid, maxTxid) > 0) {
      throw new IllegalArgumentException(
          String.format("txid range %016x-%016x must satisfy 1 <= min <= max", minTxid, maxTxid));
    }
  }

  /** The name of the file holding {@code header}. */
  public static LtxFileName of(LtxHeader header) {
    return new LtxFileName(header.minTxid(), header.maxTxid());
  }

  /** Formats a name. */
  public static String format(long minTxid, long maxTxid) {
    return new LtxFileName(minTxid, maxTxid).toString();
  }

  /** The file name. */
  @Override
  public String toString() {
    return hex16(minTxid) + "-" + hex16(maxTxid) + SUFFIX;
  }

  @Override
  public int compareTo(LtxFileName o) {
    int c = Long.compareUnsigned(minTxid, o.minTxid);
    return c != 0 ? c : Long.compareUnsigned(maxTxid, o.maxTxid);
  }

  /**
   * Parses a name strictly ({@code ^[0-9a-f]{16}-[0-9a-f]{16}\.ltx$} with a valid TXID range);
   * anything else, uppercase hex included, gives empty.
   */
  public static Optional<LtxFileName> parse(String name) {
    if (name == null
        || name.length() != LENGTH
        || name.charAt(16) != '-'
        || !name.endsWith(SUFFIX)
        || !isLowerHex(name, 0, 16)
        || !isLowerHex(name, 17, 33)) {
      return Optional.empty();
    }
    long min = Long.parseUnsignedLong(name, 0, 16, 16);
    long max = Long.parseUnsignedLong(name, 17, 33, 16);
    if (min == 0 || Long.compareUnsigned(min, max) > 0) {
      return Optional.empty();
    }
    return Optional.of(new LtxFileName(min, max));
  }

  static String hex16(long v) {
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
    return new String(c);
  }

  static boolean isLowerHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char ch = s.charAt(i);
      if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
