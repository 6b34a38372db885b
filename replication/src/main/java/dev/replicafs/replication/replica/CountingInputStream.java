package dev.replicafs.replication.replica;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read (or skipped) through it: how far the stream parser has consumed. */
final class CountingInputStream extends FilterInputStream {
  private long consumed;

  CountingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      consumed++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      consumed += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    consumed += skipped;
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Bytes read or skipped so far. */
  long consumed() {
    return consumed;
  }
}
