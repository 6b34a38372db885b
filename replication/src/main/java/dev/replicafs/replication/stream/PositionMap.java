package dev.replicafs.replication.stream;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.stream.StreamProtocolException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The position map a replica posts to {@code /stream}: database name to {@link Pos}, encoded as in
 * docs/PROTOCOL.md ("RFSP", version 1, sorted entries). Immutable.
 */
public record PositionMap(SortedMap<String, Pos> positions) {
  /** At most this many databases in one map. */
  public static final int MAX_ENTRIES = 65536;

  /** At most this many bytes in an encoded map. */
  public static final int MAX_BYTES = 16 << 20;

  private static final byte[] MAGIC = {'R', 'F', 'S', 'P'};

  public PositionMap {
    if (positions.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "position map holds more than " + MAX_ENTRIES + " entries");
    }
    positions.keySet().forEach(WireNames::check);
    positions = Collections.unmodifiableSortedMap(new TreeMap<>(positions));
  }

  public static PositionMap of(Map<String, Pos> positions) {
    return new PositionMap(new TreeMap<>(positions));
  }

  /** The encoded form. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeShort(1);
      out.writeInt(positions.size());
      for (Map.Entry<String, Pos> e : positions.entrySet()) {
        byte[] name = WireNames.check(e.getKey());
        out.writeShort(name.length);
        out.write(name);
        out.writeLong(e.getValue().txid());
        out.writeLong(e.getValue().postApplyChecksum());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes a map, reading at most {@link #MAX_BYTES}; refuses anything malformed. */
  public static PositionMap decode(InputStream input) throws IOException {
    DataInputStream in = new DataInputStream(new BoundedInputStream(input, MAX_BYTES));
    try {
      byte[] magic = new byte[4];
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new StreamProtocolException(Kind.BAD_MAGIC, "body is not a ReplicaFS position map");
      }
      int version = in.readUnsignedShort();
      if (version != 1) {
        throw new StreamProtocolException(
            Kind.BAD_VERSION, "position map version " + version + " is not supported");
      }
      long count = Integer.toUnsignedLong(in.readInt());
      if (count > MAX_ENTRIES) {
        throw new StreamProtocolException(
            Kind.TOO_LARGE, "position map claims " + count + " entries; at most " + MAX_ENTRIES);
      }
      TreeMap<String, Pos> map = new TreeMap<>();
      String previous = null;
      for (long i = 0; i < count; i++) {
        int len = in.readUnsignedShort();
        if (len == 0 || len > WireNames.MAX_BYTES) {
          throw bad("database name length " + len + " is outside 1.." + WireNames.MAX_BYTES);
        }
        byte[] name = new byte[len];
        in.readFully(name);
        String db = FrameCodec.utf8(ByteBuffer.wrap(name));
        if (previous != null && previous.compareTo(db) >= 0) {
          throw bad("position map entries are not sorted and unique at " + db);
        }
        long txid = in.readLong();
        long checksum = in.readLong();
        if (checksum != 0 && (checksum & DatabaseChecksum.FLAG) == 0) {
          throw bad("checksum of " + db + " lacks bit 63");
        }
        map.put(db, new Pos(txid, checksum));
        previous = db;
      }
      if (in.read() != -1) {
        throw bad("unexpected bytes after the last position map entry");
      }
      return new PositionMap(map);
    } catch (EOFException e) {
      throw new StreamProtocolException(Kind.TRUNCATED, "position map is truncated");
    }
  }

  private static StreamProtocolException bad(String message) {
    return new StreamProtocolException(Kind.BAD_PAYLOAD, message);
  }
}
