package dev.replicafs.replication.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Appends to a channel through {@link FileOps#write} so each write carries the path's label. */
final class LabelledOutputStream extends OutputStream {
  private final FileOps ops;
  private final String op;
  private final FileChannel ch;
  private long position;
  private ConcurrentSync.Writeback writeback;

  LabelledOutputStream(FileOps ops, String op, FileChannel ch) {
    this.ops = ops;
    this.op = op;
    this.ch = ch;
  }

  /** Starts early writeback of what this stream writes (see {@link ConcurrentSync#writeback}). */
  LabelledOutputStream writeback(ConcurrentSync.Writeback w) {
    this.writeback = w;
    return this;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int n = ops.write(op, ch, ByteBuffer.wrap(b, off, len), position);
    position += n;
    if (writeback != null) {
      writeback.wrote(n);
    }
  }

  long position() {
    return position;
  }
}
