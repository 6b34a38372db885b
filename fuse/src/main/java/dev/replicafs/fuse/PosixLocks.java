package dev.replicafs.fuse;

import dev.replicafs.replication.store.LockConflict;
import dev.replicafs.replication.store.LockFile;
import dev.replicafs.replication.store.LockKind;
import dev.replicafs.replication.store.LockTable;
import java.util.Optional;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * Forwards the kernel's POSIX lock requests on {@code <db>} and {@code <db>-shm} to the database's
 * {@link LockTable} (see docs/LOCKS.md), keyed by {@code fuse_file_info.lock_owner}: the kernel's
 * owner id for one process's locks, so two processes exclude each other and one process never
 * conflicts with itself.
 *
 * <p>libfuse 2 passes absolute ranges ({@code l_whence = SEEK_SET}, {@code l_len = 0} for "to the
 * end of the file"). On {@code close} of a handle, libfuse's flush sends {@code F_UNLCK} over the
 * whole file for the owner, which is POSIX's "closing any descriptor drops the process's locks on
 * that file"; releasing the shm WRITE lock that way commits the WAL transaction, as an explicit
 * unlock does. {@code F_SETLKW} never blocks (SQLite's unix VFS does not issue it): it answers like
 * {@code F_SETLK}.
 */
final class PosixLocks {
  private PosixLocks() {}

  static int handle(LockTable table, LockFile file, FuseFileInfo fi, int cmd, Flock fl) {
    long owner = fi.lock_owner.get();
    long start = fl.l_start.get();
    long length = fl.l_len.get();
    LockKind kind = LockKind.ofPosixType(fl.l_type.get());
    if (cmd == LockCommand.F_GETLK) {
      Optional<LockConflict> c = table.query(file, owner, kind, start, length);
      if (c.isEmpty()) {
        fl.l_type.set(Flock.F_UNLCK);
      } else {
        fl.l_type.set(c.get().kind().posixType());
        fl.l_start.set(c.get().start());
        fl.l_len.set(c.get().length());
        fl.l_pid.set(0);
      }
      return 0;
    }
    if (cmd != LockCommand.F_SETLK && cmd != LockCommand.F_SETLKW) {
      return -Errno.EINVAL;
    }
    return table.tryLock(file, owner, kind, start, length) ? 0 : -Errno.EAGAIN;
  }
}
