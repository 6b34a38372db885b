package dev.replicafs.fuse;

import java.nio.charset.StandardCharsets;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/** Helpers for files whose content the mount renders: always opened with direct I/O. */
final class VirtualFile {
  private VirtualFile() {}

  /** Opens read-only content uncached, so every read renders it afresh. */
  static void openUncached(FuseFileInfo fi) throws ErrnoException {
    if (OpenFlags.accessMode(fi) != 0) {
      throw new ErrnoException(Errno.EACCES, "virtual files are read-only");
    }
    OpenFlags.set(fi, true, false);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
