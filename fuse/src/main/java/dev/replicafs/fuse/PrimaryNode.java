package dev.replicafs.fuse;

import java.time.Instant;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * {@code .primary}: the primary's hostname and a newline, mode 0444. It exists only on a replica
 * that is connected to a primary (ENOENT on the primary and while disconnected), so applications
 * can test for it to decide where to send writes.
 */
final class PrimaryNode implements Node {
  private final MountStatus status;
  private final Instant mtime;

  PrimaryNode(MountStatus status, Instant mtime) {
    this.status = status;
    this.mtime = mtime;
  }

  private byte[] content() throws ErrnoException {
    String host =
        status
            .connectedPrimary()
            .orElseThrow(() -> new ErrnoException(Errno.ENOENT, "not a connected replica"));
    return VirtualFile.ascii(host + "\n");
  }

  @Override
  public void getattr(FileStat st) throws ErrnoException {
    Attrs.file(st, 0444, content().length, mtime);
  }

  @Override
  public void open(FuseFileInfo fi) throws ErrnoException {
    content();
    VirtualFile.openUncached(fi);
  }

  @Override
  public int read(Pointer buf, long size, long offset) throws ErrnoException {
    return NativeBuffers.copy(content(), offset, size, buf);
  }
}
