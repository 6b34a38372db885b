package dev.replicafs.replication.stream;

import dev.replicafs.replication.stream.StreamProtocolException.Kind;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads the replica's side of the stream and refuses anything that is not a valid v1 stream: wrong
 * preamble, unknown type, non-zero reserved bits, oversized lengths, CRC mismatch, or the end of
 * the stream inside a frame. Memory is bounded by one control frame (64 KiB) plus one chunk.
 *
 * <p>Not thread-safe: one reader per stream. An LTX frame's body must be read to its end (or the
 * stream abandoned) before {@link #next()} is called again.
 */
public final class StreamReader {
  private final DataInputStream in;
  private ChunkedInputStream body;

  public StreamReader(InputStream in) {
    this.in = new DataInputStream(in);
  }

  /** Reads and checks the 8-byte preamble. */
  public void readPreamble() throws IOException {
    byte[] preamble = new byte[StreamWriter.PREAMBLE.length];
    readFully(preamble, "stream preamble");
    if (preamble[0] != 'R' || preamble[1] != 'F' || preamble[2] != 'S' || preamble[3] != 'S') {
      throw new StreamProtocolException(
          Kind.BAD_MAGIC, "not a ReplicaFS stream (bad preamble); is the peer a ReplicaFS node?");
    }
    if (!Arrays.equals(preamble, StreamWriter.PREAMBLE)) {
      int version = ((preamble[4] & 0xff) << 8) | (preamble[5] & 0xff);
      throw new StreamProtocolException(
          Kind.BAD_VERSION,
          "stream version " + version + " is not supported (this node speaks version 1)");
    }
  }

  /**
   * Reads the next frame; after an {@link StreamFrame.Ltx} frame read its body with {@link
   * #ltxBody()}.
   */
  public StreamFrame next() throws IOException {
    if (body != null && !body.finished()) {
      throw new IllegalStateException("the previous LTX body was not read to its end");
    }
    body = null;
    byte[] header = new byte[8];
    readFully(header, "frame header");
    int type = header[0] & 0xff;
    if (header[1] != 0 || header[2] != 0 || header[3] != 0) {
      throw new StreamProtocolException(
          Kind.BAD_RESERVED_BITS, "frame flags/reserved bits must be zero (type " + type + ")");
    }
    long length =
        ((long) (header[4] & 0xff) << 24)
            | ((header[5] & 0xff) << 16)
            | ((header[6] & 0xff) << 8)
            | (header[7] & 0xff);
    if (length > FrameCodec.MAX_PAYLOAD) {
      throw new StreamProtocolException(
          Kind.TOO_LARGE,
          "frame payload of " + length + " bytes exceeds the " + FrameCodec.MAX_PAYLOAD + " limit");
    }
    byte[] payload = new byte[(int) length];
    readFully(payload, "frame payload");
    int expected = readInt("frame checksum");
    CRC32C crc = new CRC32C();
    crc.update(header);
    crc.update(payload);
    if ((int) crc.getValue() != expected) {
      throw new StreamProtocolException(
          Kind.BAD_CHECKSUM, "frame checksum mismatch (type " + type + "): damaged stream");
    }
    StreamFrame frame = FrameCodec.decode(type, payload);
    if (frame instanceof StreamFrame.Ltx) {
      body = new ChunkedInputStream(in);
    }
    return frame;
  }

  /** The body of the LTX frame just read; it reports damage as {@link StreamProtocolException}. */
  public InputStream ltxBody() {
    if (body == null) {
      throw new IllegalStateException("the last frame was not an LTX frame");
    }
    return body;
  }

  private void readFully(byte[] b, String what) throws IOException {
    try {
      in.readFully(b);
    } catch (EOFException e) {
      throw truncated(what);
    }
  }

  private int readInt(String what) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw truncated(what);
    }
  }

  static StreamProtocolException truncated(String what) {
    return new StreamProtocolException(
        Kind.TRUNCATED, "stream ended inside the " + what + " (peer stopped mid-frame)");
  }
}
