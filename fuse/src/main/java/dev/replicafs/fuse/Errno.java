package dev.replicafs.fuse;

/** The errno values this file system answers with (Linux numbering, via jnr-constants). */
final class Errno {
  static final int EPERM = jnr.constants.platform.Errno.EPERM.intValue();
  static final int ENOENT = jnr.constants.platform.Errno.ENOENT.intValue();
  static final int EIO = jnr.constants.platform.Errno.EIO.intValue();
  static final int EBADF = jnr.constants.platform.Errno.EBADF.intValue();
  static final int EAGAIN = jnr.constants.platform.Errno.EAGAIN.intValue();
  static final int EACCES = jnr.constants.platform.Errno.EACCES.intValue();
  static final int EEXIST = jnr.constants.platform.Errno.EEXIST.intValue();
  static final int EXDEV = jnr.constants.platform.Errno.EXDEV.intValue();
  static final int ENOTDIR = jnr.constants.platform.Errno.ENOTDIR.intValue();
  static final int EISDIR = jnr.constants.platform.Errno.EISDIR.intValue();
  static final int EINVAL = jnr.constants.platform.Errno.EINVAL.intValue();
  static final int EROFS = jnr.constants.platform.Errno.EROFS.intValue();
  static final int ENOSYS = jnr.constants.platform.Errno.ENOSYS.intValue();
  static final int ENOTSUP = jnr.constants.platform.Errno.EOPNOTSUPP.intValue();
  static final int ENOSPC = jnr.constants.platform.Errno.ENOSPC.intValue();
  static final int ENODATA = jnr.constants.platform.Errno.ENODATA.intValue();

  private Errno() {}
}
