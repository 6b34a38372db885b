package dev.replicafs.fuse;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * {@code .lag}: milliseconds since the last contact with the primary, {@code "%+010d\n"} (so {@code
 * +000000000} on the primary and {@code +2147483647} before the first sync), mode 0444, mtime = the
 * primary's timestamp of that contact. Always present.
 */
final class LagNode implements Node {
  static final long NEVER_SYNCED = Integer.MAX_VALUE;
  private final MountStatus status;

  LagNode(MountStatus status) {
    this.status = status;
  }

  byte[] content() {
    long lag = status.isPrimary() ? 0 : status.lagMillis().orElse(NEVER_SYNCED);
    return VirtualFile.ascii(String.format("%+010d\n", Math.min(lag, NEVER_SYNCED)));
  }

  @Override
  public void getattr(FileStat st) {
    Attrs.file(st, 0444, content().length, status.lastContact());
  }

  @Override
  public void open(FuseFileInfo fi) throws ErrnoException {
    VirtualFile.openUncached(fi);
  }

  @Override
  public int read(Pointer buf, long size, long offset) {
    return NativeBuffers.copy(content(), offset, size, buf);
  }
}
