package dev.replicafs.fuse;

import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * Sets the per-open bits of libfuse 2.9's {@code struct fuse_file_info} that jnr-fuse declares only
 * as padding.
 *
 * <pre>
 *   offset  0  int flags
 *   offset  8  unsigned long fh_old
 *   offset 16  int writepage
 *   offset 20  unsigned direct_io:1, keep_cache:1, flush:1, nonseekable:1, flock_release:1, :27
 *   offset 24  uint64_t fh
 *   offset 32  uint64_t lock_owner
 * </pre>
 */
final class OpenFlags {
  private static final int BITS_OFFSET = 20;
  private static final int DIRECT_IO = 1;
  private static final int KEEP_CACHE = 1 << 1;

  static {
    FuseFileInfo probe = FuseFileInfo.of(Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), 0L));
    if (probe.fh.offset() != 24 || probe.lock_owner.offset() != 32) {
      throw new ExceptionInInitializerError(
          "unexpected fuse_file_info layout in jnr-fuse: fh at " + probe.fh.offset());
    }
  }

  private OpenFlags() {}

  /** Sets direct I/O (page cache bypassed) and keep-cache (page cache kept across opens). */
  static void set(FuseFileInfo fi, boolean directIo, boolean keepCache) {
    Pointer mem = Struct.getMemory(fi);
    int bits = mem.getInt(BITS_OFFSET) & ~(DIRECT_IO | KEEP_CACHE);
    if (directIo) {
      bits |= DIRECT_IO;
    }
    if (keepCache) {
      bits |= KEEP_CACHE;
    }
    mem.putInt(BITS_OFFSET, bits);
  }

  /** The open flags ({@code O_RDONLY}, {@code O_RDWR}, ...). */
  static int accessMode(FuseFileInfo fi) {
    return fi.flags.get() & 3;
  }
}
