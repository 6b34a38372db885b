package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * {@code <db>-lock}: the halt-lock file (docs/LOCKS.md, "The halt lock"). It exists only for
 * lookups (never listed), mode 0444, size 0; reads return nothing and writes fail with EIO. A write
 * lock on byte 72 takes the database's halt lock ({@link Db#acquireHalt}; a no-op on the primary).
 * The halt belongs to the request's {@code lock_owner}, as the kernel's POSIX rules want: an unlock
 * by that owner (including the whole-file unlock libfuse sends when the owner closes a descriptor)
 * releases it, an unlock by another owner (a forked child closing an inherited descriptor) does
 * not. An OFD lock's owner is the open file itself, so the release of the handle ({@code fh}) that
 * took the halt releases it too. It is a separate file because SQLite's POSIX locks are per
 * process: closing any handle of the database would drop a halt lock taken there.
 */
final class LockNode implements Node {
  /** The byte LiteFS's client library locks. */
  static final long HALT_BYTE = 72;

  private static final AtomicLong HANDLES = new AtomicLong();

  /** Which lock owner took a halt through which handle ({@code fh}), for the release. */
  private static final java.util.concurrent.ConcurrentHashMap<Long, Long> OWNERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Db db;
  private final Instant mtime;

  LockNode(Db db, Instant mtime) {
    this.db = java.util.Objects.requireNonNull(db, "db");
    this.mtime = mtime;
  }

  @Override
  public void getattr(FileStat st) {
    Attrs.file(st, 0444, 0, mtime);
  }

  @Override
  public void open(FuseFileInfo fi) {
    fi.fh.set(HANDLES.incrementAndGet());
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

  @Override
  public int lock(FuseFileInfo fi, int cmd, Flock fl) throws Exception {
    long handle = fi.fh.get();
    long owner = fi.lock_owner.get();
    int type = fl.l_type.get();
    long start = fl.l_start.get();
    long length = fl.l_len.get();
    if (cmd == LockCommand.F_GETLK) {
      fl.l_type.set(Flock.F_UNLCK);
      return 0;
    }
    if (cmd != LockCommand.F_SETLK && cmd != LockCommand.F_SETLKW) {
      return -Errno.EINVAL;
    }
    if (type == Flock.F_UNLCK) {
      if (start <= HALT_BYTE && (length == 0 || start + length > HALT_BYTE)) {
        db.releaseHalt(owner);
        OWNERS.values().removeIf(o -> o == owner);
      }
      return 0;
    }
    if (start != HALT_BYTE || length != 1) {
      throw new ErrnoException(Errno.EINVAL, "the halt lock is byte 72 only: " + db.name());
    }
    if (type != Flock.F_WRLCK) {
      throw new ErrnoException(Errno.ENOSYS, "the halt lock is a write lock: " + db.name());
    }
    if (!db.acquireHalt(owner, cmd == LockCommand.F_SETLKW)) {
      return -Errno.EAGAIN;
    }
    OWNERS.put(handle, owner);
    return 0;
  }

  @Override
  public void release(FuseFileInfo fi) {
    Long owner = OWNERS.remove(fi.fh.get());
    if (owner != null) {
      db.releaseHalt(owner);
    }
  }
}
