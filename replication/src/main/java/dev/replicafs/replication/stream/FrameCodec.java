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
    if (frame instanceof StreamFrame.Peers p) {
      return peers(p);
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
            case 6 -> readPeers(buf);
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

  /** {@code known u16, count u16, count × (nodeId u64, flags u8 (bit 0 candidate), url)}. */
  private static byte[] peers(StreamFrame.Peers p) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ByteBuffer head = ByteBuffer.allocate(4).putShort((short) p.known());
    head.putShort((short) p.peers().size());
    out.writeBytes(head.array());
    for (StreamFrame.Peer peer : p.peers()) {
      byte[] url = peer.advertiseUrl().getBytes(StandardCharsets.UTF_8);
      out.writeBytes(
          ByteBuffer.allocate(8 + 1 + 2 + url.length)
              .putLong(peer.nodeId())
              .put((byte) (peer.candidate() ? 1 : 0))
              .putShort((short) url.length)
              .put(url)
              .array());
    }
    return out.toByteArray();
  }

  private static StreamFrame.Peers readPeers(ByteBuffer buf) throws StreamProtocolException {
    if (buf.remaining() < 4) {
      throw bad("PEERS payload too short");
    }
    int known = Short.toUnsignedInt(buf.getShort());
    int count = Short.toUnsignedInt(buf.getShort());
    if (count > StreamFrame.Peers.MAX_PEERS) {
      throw bad("PEERS frame lists " + count + " peers, more than " + StreamFrame.Peers.MAX_PEERS);
    }
    java.util.List<StreamFrame.Peer> peers = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long id = readLong(buf);
      if (!buf.hasRemaining()) {
        throw bad("PEERS entry too short");
      }
      int flags = buf.get() & 0xff;
      if ((flags & ~1) != 0) {
        throw bad("PEERS entry has unknown flags " + flags);
      }
      peers.add(new StreamFrame.Peer(id, flags == 1, readString(buf)));
    }
    return new StreamFrame.Peers(known, peers);
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
