package dev.replicafs.replication.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.stream.StreamProtocolException.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The acknowledgement body: round trip, the documented example, and refusal of garbage. */
class AckCodecTest {
  private static final Pos P3 = new Pos(3, 0x8000000000001234L);

  private static byte[] body(byte[]... frames) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(AckCodec.preamble());
    for (byte[] f : frames) {
      out.write(f);
    }
    return out.toByteArray();
  }

  private static AckCodec.Reader reader(byte[] bytes) throws IOException {
    AckCodec.Reader r = new AckCodec.Reader(new ByteArrayInputStream(bytes));
    r.readPreamble();
    return r;
  }

  /** A frame with a valid CRC over whatever header and payload are given. */
  private static byte[] frame(int type, int flags, long length, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length + 4);
    b.put((byte) type).put((byte) flags).putShort((short) 0).putInt((int) length).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 8 + payload.length);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  @Test
  void roundTripsAndEndsCleanlyBetweenFrames() throws IOException {
    Ack a = Ack.applied("app.db", P3);
    Ack b = new Ack("ü.db", new Pos(9, 0x8000000000000009L), P3);
    AckCodec.Reader r = reader(body(AckCodec.encode(a), AckCodec.encode(b)));
    assertThat(r.next()).isEqualTo(a);
    assertThat(r.next()).isEqualTo(b);
    assertThat(r.next()).isNull();
  }

  @Test
  void matchesTheDocumentedExample() {
    String hex = HexFormat.of().formatHex(AckCodec.encode(Ack.applied("app.db", P3)));
    assertThat(hex)
        .startsWith(
            "0100000000000028"
                + "00066170702e6462"
                + "00000000000000038000000000001234"
                + "00000000000000038000000000001234");
    assertThat(HexFormat.of().formatHex(AckCodec.preamble())).isEqualTo("5246534100010000");
  }

  @Test
  void refusesAWrongPreambleOrVersion() {
    byte[] magic = "RFSS\0\1\0\0".getBytes();
    assertThatThrownBy(() -> reader(magic))
        .isInstanceOfSatisfying(
            StreamProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_MAGIC));
    byte[] v2 = {'R', 'F', 'S', 'A', 0, 2, 0, 0};
    assertThatThrownBy(() -> reader(v2))
        .isInstanceOfSatisfying(
            StreamProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_VERSION));
  }

  @Test
  void refusesHugeAndTinyLengthsBeforeReadingThePayload() throws IOException {
    for (long length : new long[] {0xFFFFFFFFL, 1L << 31, AckCodec.MAX_PAYLOAD + 1, 34, 0}) {
      // only the header: a reader that trusted the length would wait for or allocate the payload
      byte[] header = Arrays.copyOf(frame(1, 0, length, new byte[0]), 8);
      AckCodec.Reader r = reader(body(header));
      assertThatThrownBy(r::next)
          .as("length %d", length)
          .isInstanceOfSatisfying(
              StreamProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
    }
  }

  @Test
  void refusesALengthThatDoesNotFitTheName() throws IOException {
    byte[] good = AckCodec.encode(Ack.applied("app.db", P3));
    byte[] payload = Arrays.copyOfRange(good, 8, good.length - 4);
    payload[1] = 7; // nameLen 7, payload sized for 6
    AckCodec.Reader r = reader(body(frame(1, 0, payload.length, payload)));
    assertThatThrownBy(r::next)
        .isInstanceOfSatisfying(
            StreamProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_PAYLOAD));
  }

  @Test
  void refusesUnknownTypesFlagsBadCrcAndDurableAheadOfApplied() throws IOException {
    byte[] good = AckCodec.encode(Ack.applied("app.db", P3));
    byte[] payload = Arrays.copyOfRange(good, 8, good.length - 4);
    assertThat(kind(frame(2, 0, payload.length, payload))).isEqualTo(Kind.UNKNOWN_TYPE);
    assertThat(kind(frame(1, 1, payload.length, payload))).isEqualTo(Kind.BAD_RESERVED_BITS);
    byte[] flipped = good.clone();
    flipped[20] ^= 1;
    assertThat(kind(flipped)).isEqualTo(Kind.BAD_CHECKSUM);
    byte[] ahead = payload.clone();
    ByteBuffer.wrap(ahead).putLong(2 + 6 + 16, 4); // durable txid 4 > applied 3
    assertThat(kind(frame(1, 0, ahead.length, ahead))).isEqualTo(Kind.BAD_PAYLOAD);
  }

  @Test
  void refusesABodyCutInsideAFrame() throws IOException {
    byte[] good = AckCodec.encode(Ack.applied("app.db", P3));
    for (int cut = 1; cut < good.length; cut += 7) {
      assertThat(kind(Arrays.copyOf(good, cut))).as("cut at %d", cut).isEqualTo(Kind.TRUNCATED);
    }
  }

  @Test
  void refusesRandomGarbageWithoutHangingOrAllocating() throws IOException {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 2000; i++) {
      byte[] junk = new byte[random.nextInt(400)];
      random.nextBytes(junk);
      AckCodec.Reader r = reader(body(junk));
      try {
        while (r.next() != null) {
          // a random frame that passes every check is a valid acknowledgement; keep reading
        }
      } catch (StreamProtocolException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
  }

  private static Kind kind(byte[] frameBytes) throws IOException {
    AckCodec.Reader r = reader(body(frameBytes));
    try {
      r.next();
    } catch (StreamProtocolException e) {
      return e.kind();
    }
    throw new AssertionError("accepted");
  }
}
