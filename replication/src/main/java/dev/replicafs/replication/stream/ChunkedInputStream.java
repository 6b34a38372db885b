package dev.replicafs.replication.stream;

import dev.replicafs.replication.stream.StreamProtocolException.Kind;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Reads one chunked body ({@link ChunkedOutputStream}) and verifies its CRC-32C at the end marker.
 * Returns -1 only after the end marker and a matching checksum; any damage is a {@link
 * StreamProtocolException}. Reads straight from the stream, so memory does not depend on lengths.
 */
final class ChunkedInputStream extends InputStream {
  private final DataInputStream in;
  private final CRC32C crc = new CRC32C();
  private int remaining;
  private boolean finished;

  ChunkedInputStream(DataInputStream in) {
    this.in = in;
  }

  boolean finished() {
    return finished;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (finished) {
      return -1;
    }
    if (remaining == 0 && !nextChunk()) {
      return -1;
    }
    int n;
    try {
      n = in.read(b, off, Math.min(len, remaining));
    } catch (EOFException e) {
      n = -1;
    }
    if (n < 0) {
      throw StreamReader.truncated("LTX chunk");
    }
    crc.update(b, off, n);
    remaining -= n;
    return n;
  }

  private boolean nextChunk() throws IOException {
    int len = readInt("LTX chunk length");
    if (len < 0 || len > ChunkedOutputStream.MAX_CHUNK) {
      throw new StreamProtocolException(
          Kind.TOO_LARGE,
          "chunk length "
              + Integer.toUnsignedString(len)
              + " exceeds the "
              + ChunkedOutputStream.MAX_CHUNK
              + " byte limit");
    }
    if (len > 0) {
      remaining = len;
      return true;
    }
    int expected = readInt("LTX body checksum");
    if ((int) crc.getValue() != expected) {
      throw new StreamProtocolException(
          Kind.BAD_CHECKSUM, "LTX body checksum mismatch: damaged stream");
    }
    finished = true;
    return false;
  }

  private int readInt(String what) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw StreamReader.truncated(what);
    }
  }
}
