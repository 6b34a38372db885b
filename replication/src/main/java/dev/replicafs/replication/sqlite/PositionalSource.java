package dev.replicafs.replication.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional reads from a file or an in-memory image: the one seam through which the readers of
 * this package see bytes. {@code FileChannel::read} is an implementation; {@link #of(ByteBuffer)}
 * adapts a buffer for tests and for data already in memory.
 */
@FunctionalInterface
public interface PositionalSource {

  /**
   * Reads up to {@code dst.remaining()} bytes starting at {@code position}.
   *
   * @return the number of bytes read, or -1 at end of input
   */
  int read(ByteBuffer dst, long position) throws IOException;

  /**
   * Fills {@code dst} from {@code position} unless the input ends first.
   *
   * @return true if {@code dst} was filled, false if the input ended before (dst partly filled)
   */
  default boolean readFully(ByteBuffer dst, long position) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int n = read(dst, pos);
      if (n < 0) {
        return false;
      }
      pos += n;
    }
    return true;
  }

  /** Reads from a file channel (positional reads do not move the channel's position). */
  static PositionalSource of(FileChannel channel) {
    return channel::read;
  }

  /** Reads from the whole of {@code image} (position 0 to limit), leaving it untouched. */
  static PositionalSource of(ByteBuffer image) {
    ByteBuffer view = image.duplicate();
    int base = view.position();
    int end = view.limit();
    return (dst, position) -> {
      if (position < 0) {
        throw new IllegalArgumentException("negative position: " + position);
      }
      long available = end - base - position;
      if (available <= 0) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), available);
      ByteBuffer slice = view.slice(base + (int) position, n);
      dst.put(slice);
      return n;
    };
  }
}
