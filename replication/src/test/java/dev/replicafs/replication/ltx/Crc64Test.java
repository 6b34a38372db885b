package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {
  /** The plain table-driven loop from the spec, as an independent oracle. */
  private static long naive(byte[] data, int off, int len) {
    long[] t = new long[256];
    for (int i = 0; i < 256; i++) {
      long c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ 0xD800000000000000L : c >>> 1;
      }
      t[i] = c;
    }
    long crc = -1L;
    for (int i = off; i < off + len; i++) {
      crc = t[(int) ((crc ^ data[i]) & 0xFF)] ^ (crc >>> 8);
    }
    return ~crc;
  }

  @Test
  void checkValueIsTheGoIsoOne() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(Crc64.of(check)).isEqualTo(0xB90956C775A41001L);
    assertThat(Crc64.of(new byte[0])).isZero();
  }

  @Test
  void slicedLoopMatchesTheByteLoopAtEveryLengthAndAlignment() {
    Random r = new Random(7);
    byte[] data = new byte[300];
    r.nextBytes(data);
    ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data);
    for (int off = 0; off < 9; off++) {
      for (int len = 0; len + off <= data.length; len += 1 + len / 7) {
        long want = naive(data, off, len);
        assertThat(Crc64.update(0, data, off, len)).as("off %d len %d", off, len).isEqualTo(want);
        assertThat(Crc64.update(0, direct, off, len)).isEqualTo(want);
        assertThat(Crc64.update(0, ByteBuffer.wrap(data), off, len)).isEqualTo(want);
      }
    }
  }

  @Test
  void updatingInPiecesEqualsOneUpdateAndCombineJoinsPieces() {
    Random r = new Random(11);
    for (int round = 0; round < 50; round++) {
      byte[] data = new byte[r.nextInt(20_000)];
      r.nextBytes(data);
      int cut = data.length == 0 ? 0 : r.nextInt(data.length + 1);
      long whole = Crc64.of(data);
      long a = Crc64.update(0, data, 0, cut);
      assertThat(Crc64.update(a, data, cut, data.length - cut)).isEqualTo(whole);
      long b = Crc64.update(0, data, cut, data.length - cut);
      assertThat(Crc64.combine(a, b, data.length - cut)).isEqualTo(whole);
    }
  }

  @Test
  void intAndLongUpdatesAreBigEndian() {
    byte[] be = {0x12, 0x34, 0x56, 0x78, (byte) 0x9A, (byte) 0xBC, (byte) 0xDE, (byte) 0xF0};
    assertThat(Crc64.updateInt(0, 0x12345678)).isEqualTo(naive(be, 0, 4));
    assertThat(Crc64.updateLong(0, 0x123456789ABCDEF0L)).isEqualTo(naive(be, 0, 8));
  }

  @Test
  void upstreamDatabaseChecksumVectorsReproduce() {
    assertThat(db(512, (byte) 1, (byte) 2, (byte) 3)).isEqualTo(0xEFFFFFFFECD99000L);
    assertThat(db(1024, (byte) '2', (byte) '3')).isEqualTo(0xE1899B6D587AAAAAL);
    assertThat(db(512, (byte) '2', (byte) '3')).isEqualTo(0x8B87423EEEEEEEEEL);
    assertThat(db(512, (byte) '1')).isEqualTo(0xEB1A999231044DDDL);
    assertThat(db(1024, (byte) 0x81, (byte) 0x82, (byte) 0x83)).isEqualTo(0x8A249272AD9F7DEAL);
    assertThat(new DatabaseChecksum().value()).isEqualTo(DatabaseChecksum.EMPTY);
  }

  @Test
  void lockPageIsThePageHoldingOneGibibyte() {
    int[] sizes = {512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};
    long[] want = {2097153, 1048577, 524289, 262145, 131073, 65537, 32769, 16385};
    for (int i = 0; i < sizes.length; i++) {
      assertThat(DatabaseChecksum.lockPgno(sizes[i])).isEqualTo(want[i]);
    }
  }

  private static long db(int pageSize, byte... fills) {
    DatabaseChecksum acc = new DatabaseChecksum();
    for (int i = 0; i < fills.length; i++) {
      byte[] page = new byte[pageSize];
      java.util.Arrays.fill(page, fills[i]);
      acc.add(DatabaseChecksum.page(i + 1, page));
    }
    return acc.value();
  }
}
