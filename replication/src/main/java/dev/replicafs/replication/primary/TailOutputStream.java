package dev.replicafs.replication.primary;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes bytes through and remembers the last 16 and the total count, so the sender learns a
 * streamed snapshot's post-apply checksum (the first 8 bytes of the LTX trailer) without buffering
 * the file.
 */
final class TailOutputStream extends FilterOutputStream {
  private final byte[] tail = new byte[16];
  private long count;

  TailOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    remember(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    remember(b, off, len);
  }

  @Override
  public void close() {
    // the caller closes the chunked body itself, and only after a complete file
  }

  private void remember(byte[] b, int off, int len) {
    if (len >= tail.length) {
      System.arraycopy(b, off + len - tail.length, tail, 0, tail.length);
    } else {
      System.arraycopy(tail, len, tail, 0, tail.length - len);
      System.arraycopy(b, off, tail, tail.length - len, len);
    }
    count += len;
  }

  long count() {
    return count;
  }

  /** The big-endian u64 at the start of the last 16 bytes (the LTX post-apply checksum). */
  long postApplyChecksum() {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (tail[i] & 0xff);
    }
    return v;
  }
}
