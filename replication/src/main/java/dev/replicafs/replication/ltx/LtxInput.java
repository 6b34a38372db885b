package dev.replicafs.replication.ltx;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.io.IOException;
import java.io.InputStream;

/** An input stream that counts its offset and turns a premature end into {@code TRUNCATED}. */
final class LtxInput {
  private final InputStream in;
  private final byte[] small = new byte[8];
  private long offset;

  LtxInput(InputStream in) {
    this.in = in;
  }

  long offset() {
    return offset;
  }

  void readFully(byte[] b, int off, int len, String what) throws IOException {
    int n = in.readNBytes(b, off, len);
    offset += n;
    if (n < len) {
      throw new LtxFormatException(
          Kind.TRUNCATED,
          offset,
          "input ends inside the " + what + " (" + (len - n) + " bytes short)");
    }
  }

  int readByte(String what) throws IOException {
    readFully(small, 0, 1, what);
    return small[0] & 0xFF;
  }

  int readIntLe(String what) throws IOException {
    readFully(small, 0, 4, what);
    return (small[0] & 0xFF)
        | (small[1] & 0xFF) << 8
        | (small[2] & 0xFF) << 16
        | (small[3] & 0xFF) << 24;
  }

  long readLongLe(String what) throws IOException {
    long lo = Integer.toUnsignedLong(readIntLe(what));
    long hi = Integer.toUnsignedLong(readIntLe(what));
    return lo | hi << 32;
  }

  /** Discards {@code n} bytes without allocating more than a small buffer. */
  void skipFully(long n, String what) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, 4096)];
    while (n > 0) {
      int k = (int) Math.min(n, buf.length);
      readFully(buf, 0, k, what);
      n -= k;
    }
  }

  /** True when the input has no more bytes. */
  boolean atEof() throws IOException {
    int b = in.read();
    if (b < 0) {
      return true;
    }
    offset++;
    return false;
  }
}
