package dev.replicafs.replication.stream;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.stream.StreamProtocolException.Kind;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The acknowledgement body of {@code POST /stream/ack} (docs/PROTOCOL.md, "Acknowledgements"): a
 * preamble, then ACK frames in the stream's frame layout (type, flags, reserved, length, payload,
 * CRC-32C). Encoding is static; {@link Reader} decodes and refuses garbage before it allocates more
 * than one bounded frame.
 */
public final class AckCodec {
  static final byte[] PREAMBLE = {'R', 'F', 'S', 'A', 0, 1, 0, 0};
  static final int TYPE_ACK = 1;

  /** The largest valid ACK payload: a 255-byte name and four 64-bit fields. */
  public static final int MAX_PAYLOAD = 2 + WireNames.MAX_BYTES + 32;

  private AckCodec() {}

  /** The 8-byte preamble that opens an acknowledgement body. */
  public static byte[] preamble() {
    return PREAMBLE.clone();
  }

  /** One encoded ACK frame. */
  public static byte[] encode(Ack ack) {
    byte[] name = WireNames.check(ack.db());
    int length = 2 + name.length + 32;
    ByteBuffer buf = ByteBuffer.allocate(8 + length + 4);
    buf.put((byte) TYPE_ACK).put((byte) 0).putShort((short) 0).putInt(length);
    buf.putShort((short) name.length).put(name);
    buf.putLong(ack.applied().txid()).putLong(ack.applied().postApplyChecksum());
    buf.putLong(ack.durable().txid()).putLong(ack.durable().postApplyChecksum());
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, 8 + length);
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /** Decodes one acknowledgement body. Not thread-safe: one reader per request. */
  public static final class Reader {
    private final DataInputStream in;

    public Reader(InputStream in) {
      this.in = new DataInputStream(in);
    }

    /** Reads and checks the preamble. */
    public void readPreamble() throws IOException {
      byte[] p = new byte[PREAMBLE.length];
      readFully(p, "acknowledgement preamble", false);
      if (p[0] != 'R' || p[1] != 'F' || p[2] != 'S' || p[3] != 'A') {
        throw new StreamProtocolException(
            Kind.BAD_MAGIC, "not a ReplicaFS acknowledgement body (bad preamble)");
      }
      if (!Arrays.equals(p, PREAMBLE)) {
        int version = ((p[4] & 0xff) << 8) | (p[5] & 0xff);
        throw new StreamProtocolException(
            Kind.BAD_VERSION,
            "acknowledgement version " + version + " is not supported (this node speaks 1)");
      }
    }

    /** The next acknowledgement, or null when the body ended cleanly between frames. */
    public Ack next() throws IOException {
      byte[] header = new byte[8];
      if (!readFully(header, "acknowledgement frame header", true)) {
        return null;
      }
      int type = header[0] & 0xff;
      if (header[1] != 0 || header[2] != 0 || header[3] != 0) {
        throw new StreamProtocolException(
            Kind.BAD_RESERVED_BITS, "acknowledgement flags/reserved bits must be zero");
      }
      if (type != TYPE_ACK) {
        throw new StreamProtocolException(
            Kind.UNKNOWN_TYPE, "unknown acknowledgement frame type " + type);
      }
      long length = ByteBuffer.wrap(header, 4, 4).getInt() & 0xffffffffL;
      if (length > MAX_PAYLOAD || length < 2 + 1 + 32) {
        throw new StreamProtocolException(
            Kind.TOO_LARGE,
            "acknowledgement payload of " + length + " bytes is outside 35.." + MAX_PAYLOAD);
      }
      byte[] payload = new byte[(int) length];
      readFully(payload, "acknowledgement payload", false);
      byte[] crcBytes = new byte[4];
      readFully(crcBytes, "acknowledgement checksum", false);
      CRC32C crc = new CRC32C();
      crc.update(header);
      crc.update(payload);
      if ((int) crc.getValue() != ByteBuffer.wrap(crcBytes).getInt()) {
        throw new StreamProtocolException(
            Kind.BAD_CHECKSUM, "acknowledgement checksum mismatch: damaged body");
      }
      return decode(payload);
    }

    private static Ack decode(byte[] payload) throws StreamProtocolException {
      ByteBuffer buf = ByteBuffer.wrap(payload);
      int nameLen = Short.toUnsignedInt(buf.getShort());
      if (payload.length != 2 + nameLen + 32) {
        throw new StreamProtocolException(
            Kind.BAD_PAYLOAD,
            "acknowledgement of " + payload.length + " bytes does not fit a name of " + nameLen);
      }
      String name = FrameCodec.utf8(buf.slice().limit(nameLen));
      buf.position(2 + nameLen);
      try {
        return new Ack(
            name, new Pos(buf.getLong(), buf.getLong()), new Pos(buf.getLong(), buf.getLong()));
      } catch (IllegalArgumentException e) {
        throw new StreamProtocolException(Kind.BAD_PAYLOAD, "acknowledgement: " + e.getMessage());
      }
    }

    /** Returns false only when {@code eofOk} and the body ended before the first byte. */
    private boolean readFully(byte[] b, String what, boolean eofOk) throws IOException {
      int n = 0;
      while (n < b.length) {
        int r = in.read(b, n, b.length - n);
        if (r < 0) {
          if (n == 0 && eofOk) {
            return false;
          }
          throw new StreamProtocolException(
              Kind.TRUNCATED, "acknowledgement body ended inside the " + what);
        }
        n += r;
      }
      return true;
    }
  }
}
