package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The open channels of one database's real files, through the labelled {@link FileOps} seam. A
 * channel is open exactly while its file exists: {@link #create} opens it, {@link #delete} closes
 * it. Reads may run concurrently with each other; the owning {@link Db} serializes every change.
 */
final class DbFiles implements AutoCloseable {
  private final Path dir;
  private final FileOps ops;
  private final FileChannel[] channels = new FileChannel[FileKind.values().length];

  DbFiles(Path dir, FileOps ops) {
    this.dir = dir;
    this.ops = ops;
  }

  /** Opens the channels of the files that exist. */
  void openExisting() throws IOException {
    for (FileKind kind : FileKind.values()) {
      if (ops.exists("OPEN:EXISTS", path(kind))) {
        create(kind, "OPEN:OPEN_" + kind);
      }
    }
  }

  Path dir() {
    return dir;
  }

  Path path(FileKind kind) {
    return dir.resolve(kind.fileName());
  }

  FileOps ops() {
    return ops;
  }

  synchronized boolean exists(FileKind kind) {
    return channels[kind.ordinal()] != null;
  }

  /** The channel, or {@code null} if the file does not exist. */
  synchronized FileChannel channel(FileKind kind) {
    return channels[kind.ordinal()];
  }

  /** The channel, or {@link NotFoundException} if the file does not exist. */
  FileChannel required(String db, FileKind kind) throws NotFoundException {
    FileChannel ch = channel(kind);
    if (ch == null) {
      throw new NotFoundException("no such file: db=" + db + " file=" + kind.fileName());
    }
    return ch;
  }

  /** Opens (creating if needed) the file and returns its channel. */
  synchronized FileChannel create(FileKind kind, String op) throws IOException {
    FileChannel ch = channels[kind.ordinal()];
    if (ch == null) {
      ch =
          ops.open(
              op,
              path(kind),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      channels[kind.ordinal()] = ch;
    }
    return ch;
  }

  /** Closes and deletes the file; returns whether it existed. */
  synchronized boolean delete(FileKind kind, String op) throws IOException {
    FileChannel ch = channels[kind.ordinal()];
    channels[kind.ordinal()] = null;
    if (ch != null) {
      ch.close();
    }
    return ops.deleteIfExists(op, path(kind)) || ch != null;
  }

  /**
   * Puts {@code fresh} in place of the current channel (the file was replaced by a rename) and
   * returns the old channel, or null; the caller closes it.
   */
  synchronized FileChannel replace(FileKind kind, FileChannel fresh) {
    FileChannel old = channels[kind.ordinal()];
    channels[kind.ordinal()] = fresh;
    return old;
  }

  /** Drops the channel of a file that was moved away by the caller. */
  synchronized void forget(FileKind kind) {
    channels[kind.ordinal()] = null;
  }

  long size(FileKind kind, String op) throws IOException {
    FileChannel ch = channel(kind);
    return ch == null ? 0 : ops.size(op, ch);
  }

  /** Reads exactly {@code dst.remaining()} bytes or up to end of file; returns bytes read. */
  int read(FileKind kind, String op, ByteBuffer dst, long offset) throws IOException {
    FileChannel ch = channel(kind);
    if (ch == null) {
      return 0;
    }
    return Math.max(0, ops.read(op, ch, dst, offset));
  }

  /** Reads one page; bytes past end of file read as zeros. */
  byte[] readPage(String op, long pgno, int pageSize) throws IOException {
    byte[] page = new byte[pageSize];
    read(FileKind.DATABASE, op, ByteBuffer.wrap(page), (pgno - 1) * pageSize);
    return page;
  }

  @Override
  public synchronized void close() throws IOException {
    IOException first = null;
    for (int i = 0; i < channels.length; i++) {
      if (channels[i] != null) {
        try {
          channels[i].close();
        } catch (IOException e) {
          if (first == null) {
            first = e;
          }
        }
        channels[i] = null;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
