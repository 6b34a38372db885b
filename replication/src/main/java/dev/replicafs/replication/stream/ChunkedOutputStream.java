package dev.replicafs.replication.stream;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Frames one file as {@code length:u32 data} chunks of at most {@link #MAX_CHUNK} bytes, closed by
 * a zero length and the CRC-32C of all data. Buffers at most one chunk.
 */
final class ChunkedOutputStream extends OutputStream {
  static final int MAX_CHUNK = 1 << 20;
  private static final int BUFFER = 64 * 1024;

  private final DataOutputStream out;
  private final Runnable onClose;
  private final CRC32C crc = new CRC32C();
  private final byte[] buffer = new byte[BUFFER];
  private int buffered;
  private boolean closed;

  ChunkedOutputStream(DataOutputStream out, Runnable onClose) {
    this.out = out;
    this.onClose = onClose;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    if (len >= BUFFER) {
      flushBuffer();
      while (len > 0) {
        int n = Math.min(len, MAX_CHUNK);
        emit(b, off, n);
        off += n;
        len -= n;
      }
      return;
    }
    if (buffered + len > BUFFER) {
      flushBuffer();
    }
    System.arraycopy(b, off, buffer, buffered, len);
    buffered += len;
  }

  @Override
  public void flush() throws IOException {
    ensureOpen();
    flushBuffer();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    flushBuffer();
    out.writeInt(0);
    out.writeInt((int) crc.getValue());
    closed = true;
    onClose.run();
  }

  private void flushBuffer() throws IOException {
    if (buffered > 0) {
      emit(buffer, 0, buffered);
      buffered = 0;
    }
  }

  private void emit(byte[] b, int off, int len) throws IOException {
    out.writeInt(len);
    out.write(b, off, len);
    crc.update(b, off, len);
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("chunked body already closed");
    }
  }
}
