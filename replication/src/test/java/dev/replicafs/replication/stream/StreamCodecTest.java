package dev.replicafs.replication.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.stream.StreamProtocolException.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamCodecTest {

  /** A stream with every frame type and two LTX bodies (one empty, one over several chunks). */
  private static byte[] sampleStream(byte[] bigBody) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(bytes);
    w.writePreamble();
    try (OutputStream body = w.writeLtx("app.db", bigBody.length)) {
      body.write(bigBody, 0, 10);
      body.write(bigBody, 10, bigBody.length - 10);
    }
    w.writeLtx("empty.db", 0).close();
    w.write(new StreamFrame.Ready());
    w.write(new StreamFrame.Heartbeat(1_700_000_000_123L));
    w.write(new StreamFrame.Handoff("lease-42"));
    w.write(new StreamFrame.End());
    w.flush();
    return bytes.toByteArray();
  }

  private static List<Object> readAll(byte[] stream) throws IOException {
    StreamReader r = new StreamReader(new ByteArrayInputStream(stream));
    r.readPreamble();
    List<Object> seen = new ArrayList<>();
    while (true) {
      StreamFrame f = r.next();
      seen.add(f);
      if (f instanceof StreamFrame.Ltx) {
        seen.add(r.ltxBody().readAllBytes());
      }
      if (f instanceof StreamFrame.End) {
        return seen;
      }
    }
  }

  @Test
  void everyFrameTypeRoundTrips() throws IOException {
    byte[] big = new byte[3 * ChunkedOutputStream.MAX_CHUNK + 12345];
    new Random(1).nextBytes(big);
    List<Object> seen = readAll(sampleStream(big));
    assertThat(seen).hasSize(8);
    assertThat(seen.get(0)).isEqualTo(new StreamFrame.Ltx("app.db", big.length));
    assertThat((byte[]) seen.get(1)).isEqualTo(big);
    assertThat(seen.get(2)).isEqualTo(new StreamFrame.Ltx("empty.db", 0));
    assertThat((byte[]) seen.get(3)).isEmpty();
    assertThat(seen.subList(4, 8))
        .containsExactly(
            new StreamFrame.Ready(),
            new StreamFrame.Heartbeat(1_700_000_000_123L),
            new StreamFrame.Handoff("lease-42"),
            new StreamFrame.End());
  }

  @Test
  void truncationAtAnyOffsetIsDetected() throws IOException {
    byte[] body = new byte[70_000];
    new Random(2).nextBytes(body);
    byte[] stream = sampleStream(body);
    for (int cut = 0; cut < stream.length; cut++) {
      byte[] prefix = java.util.Arrays.copyOf(stream, cut);
      assertThatThrownBy(() -> readAll(prefix))
          .as("cut at %d", cut)
          .isInstanceOf(StreamProtocolException.class)
          .extracting(e -> ((StreamProtocolException) e).kind())
          .isEqualTo(Kind.TRUNCATED);
    }
  }

  @Test
  void anySingleByteFlipIsRefusedWithATypedError() throws IOException {
    byte[] body = new byte[5000];
    new Random(3).nextBytes(body);
    byte[] stream = sampleStream(body);
    for (int i = 0; i < stream.length; i++) {
      byte[] damaged = stream.clone();
      damaged[i] ^= 0x01;
      // Any byte of the stream is covered by a magic, a bound, or a CRC-32C.
      assertThatThrownBy(() -> readAll(damaged))
          .as("flip at %d", i)
          .isInstanceOf(StreamProtocolException.class);
    }
  }

  @Test
  void garbageIsRefusedWithoutLargeAllocations() {
    Random random = new Random(4);
    for (int i = 0; i < 2000; i++) {
      byte[] garbage = new byte[random.nextInt(200)];
      random.nextBytes(garbage);
      if (random.nextBoolean() && garbage.length >= 8) {
        System.arraycopy(StreamWriter.PREAMBLE, 0, garbage, 0, 8);
      }
      assertThatThrownBy(() -> readAll(garbage)).isInstanceOf(StreamProtocolException.class);
    }
  }

  @Test
  void hugeLengthFieldsAreRefusedBeforeReading() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(StreamWriter.PREAMBLE);
    bytes.write(new byte[] {2, 0, 0, 0, (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    StreamReader r = new StreamReader(new ByteArrayInputStream(bytes.toByteArray()));
    r.readPreamble();
    assertThatThrownBy(r::next)
        .isInstanceOf(StreamProtocolException.class)
        .hasMessageContaining("exceeds")
        .extracting(e -> ((StreamProtocolException) e).kind())
        .isEqualTo(Kind.TOO_LARGE);
  }

  @Test
  void hugeChunkLengthIsRefused() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(bytes);
    w.writePreamble();
    w.write(new StreamFrame.Ltx("a", 0));
    bytes.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0});
    StreamReader r = new StreamReader(new ByteArrayInputStream(bytes.toByteArray()));
    r.readPreamble();
    r.next();
    InputStream body = r.ltxBody();
    assertThatThrownBy(body::readAllBytes)
        .isInstanceOf(StreamProtocolException.class)
        .extracting(e -> ((StreamProtocolException) e).kind())
        .isEqualTo(Kind.TOO_LARGE);
  }

  @Test
  void unknownFrameTypeAndOtherVersionsAreRefused() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(bytes);
    w.writePreamble();
    w.write(new StreamFrame.Ready());
    byte[] stream = bytes.toByteArray();
    stream[8] = 99; // type byte of the first frame; the CRC would also fail, type is checked later
    StreamReader r = new StreamReader(new ByteArrayInputStream(stream));
    r.readPreamble();
    assertThatThrownBy(r::next).isInstanceOf(StreamProtocolException.class);

    byte[] v2 = StreamWriter.PREAMBLE.clone();
    v2[5] = 2;
    StreamReader r2 = new StreamReader(new ByteArrayInputStream(v2));
    assertThatThrownBy(r2::readPreamble)
        .hasMessageContaining("version 2 is not supported")
        .extracting(e -> ((StreamProtocolException) e).kind())
        .isEqualTo(Kind.BAD_VERSION);
  }

  @Test
  void readerRefusesToSkipAnUnreadBody() throws IOException {
    StreamReader r = new StreamReader(new ByteArrayInputStream(sampleStream(new byte[100])));
    r.readPreamble();
    r.next();
    assertThatThrownBy(r::next).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void peersFrameRoundTripsAndRefusesUnknownFlags() throws IOException {
    StreamFrame.Peers peers =
        new StreamFrame.Peers(
            3,
            List.of(
                new StreamFrame.Peer(0x8000000000000002L, true, "http://127.0.0.2:20202"),
                new StreamFrame.Peer(3, false, "https://node-c.example:20202")));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(bytes);
    w.writePreamble();
    w.write(peers);
    w.write(new StreamFrame.End());
    w.flush();
    assertThat(readAll(bytes.toByteArray())).containsExactly(peers, new StreamFrame.End());

    byte[] damaged = bytes.toByteArray();
    int flags = 8 + 8 + 4 + 8; // preamble, frame header, known+count, first node ID
    damaged[flags] = 2;
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    int length =
        ((damaged[12] & 0xff) << 24)
            | ((damaged[13] & 0xff) << 16)
            | ((damaged[14] & 0xff) << 8)
            | (damaged[15] & 0xff);
    crc.update(damaged, 8, 8 + length);
    java.nio.ByteBuffer.wrap(damaged, 16 + length, 4).putInt((int) crc.getValue());
    assertThatThrownBy(() -> readAll(damaged))
        .isInstanceOf(StreamProtocolException.class)
        .hasMessageContaining("unknown flags");
  }
}
