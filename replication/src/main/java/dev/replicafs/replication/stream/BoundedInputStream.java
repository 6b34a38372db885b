package dev.replicafs.replication.stream;

import dev.replicafs.replication.stream.StreamProtocolException.Kind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails with {@link Kind#TOO_LARGE} once more than {@code limit} bytes were read. */
final class BoundedInputStream extends FilterInputStream {
  private long remaining;
  private final long limit;

  BoundedInputStream(InputStream in, long limit) {
    super(in);
    this.remaining = limit;
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, (int) Math.min(len, remaining + 1));
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(int n) throws StreamProtocolException {
    remaining -= n;
    if (remaining < 0) {
      throw new StreamProtocolException(
          Kind.TOO_LARGE, "request body exceeds the " + limit + " byte limit");
    }
  }
}
