package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One replicated database and every byte of its files ({@code database}, {@code journal}, {@code
 * wal}, {@code shm} under {@code <data>/dbs/<name>/}). The FUSE layer calls these methods instead
 * of touching the files, so that dirty-page tracking, checksums, commit detection and apply have a
 * single owner (see docs/ARCHITECTURE.md, "The store and the seam the FUSE layer uses").
 *
 * <p>Skeleton: reads and writes pass through to the real files; commit detection, positions and
 * locks arrive in the following commits without changing these signatures.
 */
public final class Db implements AutoCloseable {
  private final String name;
  private final Path dir;
  private final Store store;
  private final FileOps ops;
  private final Map<FileKind, FileChannel> channels = new EnumMap<>(FileKind.class);

  Db(String name, Path dir, Store store, FileOps ops) {
    this.name = Objects.requireNonNull(name);
    this.dir = Objects.requireNonNull(dir);
    this.store = store;
    this.ops = ops;
  }

  /** The database name as shown in the mount. */
  public String name() {
    return name;
  }

  /** The database's directory, {@code <data>/dbs/<name>}. */
  public Path dir() {
    return dir;
  }

  /** Path of one of the database's real files. */
  public Path path(FileKind kind) {
    return dir.resolve(kind.fileName());
  }

  /** Page size in bytes, or 0 while the database has no pages yet. */
  public synchronized int pageSize() throws IOException {
    FileChannel ch = channel(FileKind.DATABASE, false);
    if (ch == null || ops.size("FILE:SIZE", ch) < 100) {
      return 0;
    }
    ByteBuffer b = ByteBuffer.allocate(2);
    ops.read("FILE:READ_HEADER", ch, b, 16);
    int v = b.flip().getShort(0) & 0xffff;
    return v == 1 ? 65536 : v;
  }

  /** Whether the file exists. */
  public synchronized boolean exists(FileKind kind) throws IOException {
    return ops.exists("FILE:EXISTS", path(kind));
  }

  /**
   * Positional read of a file into {@code dst}; returns the bytes read (0 at end of file).
   *
   * @throws NotFoundException if the file does not exist
   */
  public synchronized int read(FileKind kind, ByteBuffer dst, long offset) throws IOException {
    int n = ops.read("FILE:READ_" + kind, required(kind), dst, offset);
    return Math.max(n, 0);
  }

  /**
   * Positional write of all of {@code src}; returns the bytes written.
   *
   * @throws ReadOnlyReplicaException on a replica
   * @throws NotFoundException if the file does not exist (create it first)
   */
  public synchronized int write(FileKind kind, ByteBuffer src, long offset) throws IOException {
    requireWritable(kind);
    return ops.write("FILE:WRITE_" + kind, required(kind), src, offset);
  }

  /** Sets the size of a file. */
  public synchronized void truncate(FileKind kind, long size) throws IOException {
    requireWritable(kind);
    ops.truncate("FILE:TRUNCATE_" + kind, required(kind), size);
  }

  /** Creates the file empty if it does not exist. */
  public synchronized void create(FileKind kind) throws IOException {
    if (kind != FileKind.SHM) {
      requireWritable(kind);
    }
    channel(kind, true);
  }

  /** Removes a side file; removing the {@link FileKind#DATABASE} drops the database. */
  public synchronized void remove(FileKind kind) throws IOException {
    if (kind == FileKind.DATABASE) {
      store.drop(name);
      return;
    }
    if (kind != FileKind.SHM) {
      requireWritable(kind);
    }
    FileChannel ch = channels.remove(kind);
    if (ch != null) {
      ch.close();
    }
    if (!ops.deleteIfExists("FILE:DELETE_" + kind, path(kind))) {
      throw new NotFoundException("no such file: db=" + name + " file=" + kind);
    }
  }

  /** Makes a file's contents durable. */
  public synchronized void sync(FileKind kind) throws IOException {
    ops.force("FILE:FSYNC_" + kind, required(kind));
  }

  /** Size of a file in bytes. */
  public synchronized long size(FileKind kind) throws IOException {
    return ops.size("FILE:SIZE", required(kind));
  }

  @Override
  public synchronized void close() throws IOException {
    for (FileChannel ch : channels.values()) {
      ch.close();
    }
    channels.clear();
  }

  private void requireWritable(FileKind kind) throws ReadOnlyReplicaException {
    if (kind != FileKind.SHM && !store.isPrimary()) {
      throw new ReadOnlyReplicaException(name);
    }
  }

  private FileChannel required(FileKind kind) throws IOException {
    FileChannel ch = channel(kind, false);
    if (ch == null) {
      throw new NotFoundException("no such file: db=" + name + " file=" + kind);
    }
    return ch;
  }

  private FileChannel channel(FileKind kind, boolean create) throws IOException {
    FileChannel ch = channels.get(kind);
    if (ch != null && ch.isOpen() && ops.exists("FILE:EXISTS", path(kind))) {
      return ch;
    }
    if (!create && !ops.exists("FILE:EXISTS", path(kind))) {
      return null;
    }
    ch =
        create
            ? ops.open(
                "FILE:OPEN_" + kind,
                path(kind),
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)
            : ops.open(
                "FILE:OPEN_" + kind, path(kind), StandardOpenOption.READ, StandardOpenOption.WRITE);
    channels.put(kind, ch);
    return ch;
  }
}
