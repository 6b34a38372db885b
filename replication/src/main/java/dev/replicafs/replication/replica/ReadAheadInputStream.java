package dev.replicafs.replication.replica;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads the stream from the primary ahead of the replica on its own thread ({@code
 * replicafs-replica-recv}) into a ring of {@code capacity} bytes. Without it the JDK client hands
 * over one buffer at a time and asks the socket for the next only when the replica takes it, so the
 * primary stalls whenever the replica decodes or fsyncs: a snapshot crawled at about 160 MB/s while
 * a reader that discarded it took 350–440 MB/s (docs/BENCHMARKS.md). It also makes {@link
 * #available()} exact (bytes already received) and counts every byte that arrived ({@link
 * #arrived()}), which is how {@link ApplyBatch} cuts apply groups.
 *
 * <p>End of stream and read errors of the source are reported to the reader once the bytes before
 * them are consumed. {@link #close()} closes the source (ending the thread) and is idempotent.
 */
final class ReadAheadInputStream extends InputStream {
  private final InputStream source;
  private final byte[] ring;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread pump;
  private int head;
  private int count;
  private long arrived;
  private boolean eof;
  private IOException failure;
  private boolean closed;

  ReadAheadInputStream(InputStream source, int capacity) {
    this.source = source;
    this.ring = new byte[capacity];
    this.pump = new Thread(this::pump, "replicafs-replica-recv");
    this.pump.setDaemon(true);
    this.pump.start();
  }

  private void pump() {
    byte[] chunk = new byte[Math.min(ring.length, 1 << 16)];
    try {
      while (true) {
        int room;
        lock.lock();
        try {
          while (count == ring.length && !closed) {
            changed.await();
          }
          if (closed) {
            return;
          }
          room = Math.min(chunk.length, ring.length - count);
        } finally {
          lock.unlock();
        }
        int n = source.read(chunk, 0, room);
        lock.lock();
        try {
          if (n < 0) {
            eof = true;
            changed.signalAll();
            return;
          }
          int tail = (head + count) % ring.length;
          int first = Math.min(n, ring.length - tail);
          System.arraycopy(chunk, 0, ring, tail, first);
          System.arraycopy(chunk, first, ring, 0, n - first);
          count += n;
          arrived += n;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      fail(e);
    } catch (InterruptedException e) {
      fail(new InterruptedIOException("read-ahead interrupted"));
    }
  }

  private void fail(IOException e) {
    lock.lock();
    try {
      failure = e;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    lock.lock();
    try {
      while (count == 0) {
        if (closed) {
          throw new IOException("stream closed");
        }
        if (failure != null) {
          throw failure;
        }
        if (eof) {
          return -1;
        }
        changed.await();
      }
      int n = Math.min(len, count);
      int first = Math.min(n, ring.length - head);
      System.arraycopy(ring, head, b, off, first);
      System.arraycopy(ring, 0, b, off + first, n - first);
      head = (head + n) % ring.length;
      count -= n;
      changed.signalAll();
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the stream");
    } finally {
      lock.unlock();
    }
  }

  /**
   * Bytes received from the source since this stream was opened, read or not: the same coordinate
   * as a count of the bytes read from this stream (and from a buffer on top of it), so a reader can
   * tell whether it has reached what had arrived at some earlier moment.
   */
  long arrived() {
    lock.lock();
    try {
      return arrived;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes already received and not yet read. */
  @Override
  public int available() {
    lock.lock();
    try {
      return count;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    source.close();
  }
}
