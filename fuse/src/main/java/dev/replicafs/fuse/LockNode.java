package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import java.time.Instant;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * {@code <db>-lock}: LiteFS's HALT-lock file (lock byte 72). It exists only for lookups (never
 * listed), mode 0444, size 0; reads return nothing and writes fail with EIO. It is separate from
 * the database file because SQLite's POSIX locks are per process: closing any handle of the
 * database would drop a HALT lock taken there.
 */
final class LockNode implements Node {
  private final Instant mtime;

  LockNode(Db db, Instant mtime) {
    java.util.Objects.requireNonNull(db, "db");
    this.mtime = mtime;
  }

  @Override
  public void getattr(FileStat st) {
    Attrs.file(st, 0444, 0, mtime);
  }

  @Override
  public void open(FuseFileInfo fi) {
    OpenFlags.set(fi, true, false);
  }

  @Override
  public int read(Pointer buf, long size, long offset) {
    return 0;
  }

  @Override
  public int write(Pointer buf, long size, long offset) throws ErrnoException {
    throw new ErrnoException(Errno.EIO, "the -lock file holds no data");
  }
}
