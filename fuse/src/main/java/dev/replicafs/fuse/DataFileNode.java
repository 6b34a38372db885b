package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.LockFile;
import java.nio.ByteBuffer;
import java.time.Instant;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * A real file of a database ({@code <db>}, {@code -journal}, {@code -wal}, {@code -shm}): every
 * byte goes through the {@link Db}, which owns the files; this class only translates.
 *
 * <p>Opens keep the kernel page cache ({@code keep_cache}): on the primary every change passes
 * through the mount, and on a replica the store reports each change it makes through the {@link
 * MountInvalidator}, so the cache is coherent (see docs/FUSE.md, "Cache coherence").
 */
abstract sealed class DataFileNode implements Node
    permits DatabaseNode, JournalNode, WalNode, ShmNode {
  final Db db;
  final FileKind kind;
  final MountStatus status;
  final Instant mtime;

  DataFileNode(Db db, FileKind kind, MountStatus status, Instant mtime) {
    this.db = db;
    this.kind = kind;
    this.status = status;
    this.mtime = mtime;
  }

  /** Permission bits shown for this file. */
  int mode() {
    return 0666;
  }

  /** Whether this file accepts writes on a replica (only the WAL index does). */
  boolean writableOnReplica() {
    return false;
  }

  @Override
  public void getattr(FileStat st) throws Exception {
    if (!db.exists(kind)) {
      throw new ErrnoException(Errno.ENOENT, "no such file: " + db.name() + kind.suffix());
    }
    Attrs.file(st, mode(), db.size(kind), mtime);
  }

  @Override
  public void open(FuseFileInfo fi) throws Exception {
    boolean wantsWrite = OpenFlags.accessMode(fi) != 0;
    if (wantsWrite && !writableOnReplica() && !status.isPrimary() && !db.isWritable()) {
      throw new ErrnoException(
          Errno.EACCES, "read-only replica: open for writing refused, " + db.name());
    }
    if (!db.exists(kind)) {
      throw new ErrnoException(Errno.ENOENT, "no such file: " + db.name() + kind.suffix());
    }
    OpenFlags.set(fi, false, true);
  }

  @Override
  public int read(Pointer buf, long size, long offset) throws Exception {
    ByteBuffer dst = NativeBuffers.wrap(buf, size);
    while (dst.hasRemaining()) {
      int n = db.read(kind, dst, offset + dst.position());
      if (n <= 0) {
        break;
      }
    }
    return dst.position();
  }

  @Override
  public int write(Pointer buf, long size, long offset) throws Exception {
    return db.write(kind, NativeBuffers.wrap(buf, size), offset);
  }

  @Override
  public void truncate(long size) throws Exception {
    db.truncate(kind, size);
  }

  @Override
  public void fsync(boolean dataOnly) throws Exception {
    db.sync(kind, dataOnly);
  }

  @Override
  public void unlink() throws Exception {
    db.remove(kind);
  }

  /** The lock file of this node in the lock table, or null when SQLite never locks it. */
  LockFile lockFile() {
    return null;
  }

  @Override
  public int lock(FuseFileInfo fi, int cmd, Flock flock) throws Exception {
    LockFile file = lockFile();
    if (file == null) {
      return Node.super.lock(fi, cmd, flock);
    }
    return PosixLocks.handle(db.locks(), file, fi, cmd, flock);
  }
}
