package dev.replicafs.replication.stream;

import dev.replicafs.replication.stream.StreamProtocolException.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Encodes and decodes control-frame payloads (docs/PROTOCOL.md, frame table). */
final class FrameCodec {
  static final int MAX_PAYLOAD = 64 * 1024;

  private FrameCodec() {}

  static byte[] payload(StreamFrame frame) {
    if (frame instanceof StreamFrame.Ltx ltx) {
      byte[] name = WireNames.check(ltx.db());
      return ByteBuffer.allocate(2 + name.length + 8)
          .putShort((short) name.length)
          .put(name)
          .putLong(ltx.length())
          .array();
    }
    if (frame instanceof StreamFrame.Handoff h) {
      byte[] token = h.token().getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(2 + token.length)
          .putShort((short) token.length)
          .put(token)
          .array();
    }
    if (frame instanceof StreamFrame.Heartbeat hb) {
      return ByteBuffer.allocate(8).putLong(hb.primaryTimeMillis()).array();
    }
    return new byte[0]; // Ready, End
  }

  static StreamFrame decode(int type, byte[] payload) throws StreamProtocolException {
    ByteBuffer buf = ByteBuffer.wrap(payload);
    try {
      StreamFrame frame =
          switch (type) {
            case 1 -> new StreamFrame.Ltx(readString(buf), readNonNegativeLong(buf));
            case 2 -> new StreamFrame.Ready();
            case 3 -> new StreamFrame.End();
            case 4 -> new StreamFrame.Handoff(readString(buf));
            case 5 -> new StreamFrame.Heartbeat(readLong(buf));
            default ->
                throw new StreamProtocolException(
                    Kind.UNKNOWN_TYPE, "unknown stream frame type " + type);
          };
      if (buf.hasRemaining()) {
        throw bad("frame type " + type + " has " + buf.remaining() + " unexpected trailing bytes");
      }
      return frame;
    } catch (IllegalArgumentException e) {
      throw bad("frame type " + type + ": " + e.getMessage());
    }
  }

  private static String readString(ByteBuffer buf) throws StreamProtocolException {
    if (buf.remaining() < 2) {
      throw bad("frame payload too short for a string length");
    }
    int len = Short.toUnsignedInt(buf.getShort());
    if (buf.remaining() < len) {
      throw bad("string of " + len + " bytes runs past the frame payload");
    }
    ByteBuffer slice = buf.slice().limit(len);
    buf.position(buf.position() + len);
    return utf8(slice);
  }

  static String utf8(ByteBuffer bytes) throws StreamProtocolException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw bad("string is not valid UTF-8");
    }
  }

  private static long readLong(ByteBuffer buf) throws StreamProtocolException {
    if (buf.remaining() < 8) {
      throw bad("frame payload too short for a 64-bit field");
    }
    return buf.getLong();
  }

  private static long readNonNegativeLong(ByteBuffer buf) throws StreamProtocolException {
    long v = readLong(buf);
    if (v < 0) {
      throw bad("length field is negative");
    }
    return v;
  }

  private static StreamProtocolException bad(String message) {
    return new StreamProtocolException(Kind.BAD_PAYLOAD, message);
  }
}
