package dev.replicafs.fuse;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * One file of the mount, resolved per request from its {@link NodeName}. The defaults refuse what a
 * file type does not support, with the errno a user can understand (EPERM for changes to a virtual
 * file).
 */
sealed interface Node permits DataFileNode, PosNode, LockNode, PrimaryNode, LagNode {
  /** Fills the attributes; throws ENOENT when the file does not exist now. */
  void getattr(FileStat st) throws Exception;

  /** Opens; sets per-handle flags (direct I/O, keep cache). */
  void open(FuseFileInfo fi) throws Exception;

  /** Reads up to {@code size} bytes at {@code offset} into {@code buf}; returns the count. */
  int read(Pointer buf, long size, long offset) throws Exception;

  default int write(Pointer buf, long size, long offset) throws Exception {
    throw new ErrnoException(Errno.EPERM, "this file is read-only");
  }

  default void truncate(long size) throws Exception {
    throw new ErrnoException(Errno.EPERM, "this file cannot be truncated");
  }

  /** fsync, or fdatasync with {@code dataOnly} (the application's {@code fdatasync}). */
  default void fsync(boolean dataOnly) throws Exception {}

  default void unlink() throws Exception {
    throw new ErrnoException(Errno.EPERM, "this file cannot be removed");
  }

  /** The last close of a handle (after its flush); nothing to do for most files. */
  default void release(FuseFileInfo fi) throws Exception {}

  /** A POSIX lock request ({@code F_GETLK}, {@code F_SETLK}, {@code F_SETLKW}). */
  default int lock(FuseFileInfo fi, int cmd, Flock flock) throws Exception {
    if (cmd == LockCommand.F_GETLK) {
      flock.l_type.set(Flock.F_UNLCK);
    }
    return 0;
  }
}
