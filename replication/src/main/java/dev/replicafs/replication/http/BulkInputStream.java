package dev.replicafs.replication.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream decoded from an underlying one that implements only the bulk read: the one-byte read
 * goes through it, and closing closes the underlying stream.
 */
abstract class BulkInputStream extends InputStream {
  protected final InputStream in;

  BulkInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;

  @Override
  public void close() throws IOException {
    in.close();
  }
}
