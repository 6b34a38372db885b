package dev.replicafs.replication.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.stream.StreamProtocolException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PositionMapTest {
  private static final PositionMap SAMPLE =
      PositionMap.of(
          Map.of(
              "b.db", new Pos(7, 0x8000000000001234L),
              "a.db", new Pos(1, 0x8123456789abcdefL),
              "ünïcode.db", Pos.ZERO));

  @Test
  void roundTripsSortedByName() throws IOException {
    PositionMap decoded = PositionMap.decode(new ByteArrayInputStream(SAMPLE.encode()));
    assertThat(decoded).isEqualTo(SAMPLE);
    assertThat(decoded.positions().keySet()).containsExactly("a.db", "b.db", "ünïcode.db");
  }

  @Test
  void emptyMapRoundTrips() throws IOException {
    PositionMap empty = PositionMap.of(Map.of());
    assertThat(PositionMap.decode(new ByteArrayInputStream(empty.encode()))).isEqualTo(empty);
  }

  @Test
  void everyTruncationIsRefused() {
    byte[] bytes = SAMPLE.encode();
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] prefix = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> PositionMap.decode(new ByteArrayInputStream(prefix)))
          .as("cut at %d", cut)
          .isInstanceOf(StreamProtocolException.class);
    }
  }

  @Test
  void unsortedDuplicateAndTrailingBytesAreRefused() {
    byte[] bytes = SAMPLE.encode();
    // Swap the first name "a.db" to "c.db": the map is no longer sorted.
    byte[] unsorted = bytes.clone();
    unsorted[4 + 2 + 4 + 2] = 'c';
    assertThatThrownBy(() -> PositionMap.decode(new ByteArrayInputStream(unsorted)))
        .hasMessageContaining("not sorted");
    byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> PositionMap.decode(new ByteArrayInputStream(trailing)))
        .hasMessageContaining("unexpected bytes");
  }

  @Test
  void hugeCountsAndNamesAreRefusedWithoutAllocating() {
    byte[] hugeCount =
        ByteBuffer.allocate(10).put("RFSP".getBytes()).putShort((short) 1).putInt(-1).array();
    assertThatThrownBy(() -> PositionMap.decode(new ByteArrayInputStream(hugeCount)))
        .extracting(e -> ((StreamProtocolException) e).kind())
        .isEqualTo(Kind.TOO_LARGE);
    byte[] longName =
        ByteBuffer.allocate(12)
            .put("RFSP".getBytes())
            .putShort((short) 1)
            .putInt(1)
            .putShort((short) 300)
            .array();
    assertThatThrownBy(() -> PositionMap.decode(new ByteArrayInputStream(longName)))
        .hasMessageContaining("outside 1..255");
  }

  @Test
  void bodiesOverTheBoundAreRefused() {
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 0;
          }
        };
    byte[] header =
        ByteBuffer.allocate(10).put("RFSP".getBytes()).putShort((short) 1).putInt(65536).array();
    InputStream body = new java.io.SequenceInputStream(new ByteArrayInputStream(header), endless);
    // Names of length 0 are refused at once, long before the byte bound matters.
    assertThatThrownBy(() -> PositionMap.decode(body)).isInstanceOf(StreamProtocolException.class);
  }

  @Test
  void randomGarbageIsRefused() {
    Random random = new Random(9);
    for (int i = 0; i < 2000; i++) {
      byte[] garbage = new byte[random.nextInt(64)];
      random.nextBytes(garbage);
      if (random.nextBoolean() && garbage.length >= 6) {
        System.arraycopy(new byte[] {'R', 'F', 'S', 'P', 0, 1}, 0, garbage, 0, 6);
      }
      assertThatThrownBy(() -> PositionMap.decode(new ByteArrayInputStream(garbage)))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void checksumsWithoutTheFlagBitAreRefused() {
    byte[] bytes = PositionMap.of(Map.of("a", new Pos(1, 0x8000000000000001L))).encode();
    bytes[bytes.length - 8] = 0x00; // clear bit 63 of the checksum
    assertThatThrownBy(() -> PositionMap.decode(new ByteArrayInputStream(bytes)))
        .hasMessageContaining("bit 63");
  }
}
