package dev.replicafs.replication.replica;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Remembers when the last byte arrived, so an idle watchdog can tell a stalled stream. */
final class ProgressInputStream extends FilterInputStream {
  private volatile long lastNanos = System.nanoTime();

  ProgressInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    lastNanos = System.nanoTime();
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    lastNanos = System.nanoTime();
    return n;
  }

  long idleNanos() {
    return System.nanoTime() - lastNanos;
  }
}
