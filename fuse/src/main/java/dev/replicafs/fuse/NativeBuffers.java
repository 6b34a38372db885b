package dev.replicafs.fuse;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import jnr.ffi.Pointer;

/** Views a request buffer of libfuse as a direct ByteBuffer, so data is copied only once. */
final class NativeBuffers {
  private static final MemoryIO IO = MemoryIO.getInstance();

  private NativeBuffers() {}

  /** A ByteBuffer over {@code size} bytes at {@code p}; valid only during the callback. */
  static ByteBuffer wrap(Pointer p, long size) {
    if (size < 0 || size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("buffer size out of range: " + size);
    }
    return IO.newDirectByteBuffer(p.address(), (int) size);
  }

  /** A buffer holding {@code bytes}, copied into {@code p}; returns the length copied. */
  static int copy(byte[] bytes, long offset, long size, Pointer p) {
    if (offset >= bytes.length) {
      return 0;
    }
    int n = (int) Math.min(size, bytes.length - offset);
    p.put(0, bytes, (int) offset, n);
    return n;
  }
}
