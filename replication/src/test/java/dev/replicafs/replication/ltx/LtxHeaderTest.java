package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class LtxHeaderTest {
  private static final long PRE = 0x8000000000000123L;

  private static byte[] valid() {
    return LtxHeader.builder(4096, 10, 5, 7)
        .timestamp(1234)
        .preApplyChecksum(PRE)
        .wal(32, 8240, 0x4875a40b, 0xa38de4f5)
        .nodeId(0x1122334455667788L)
        .build()
        .encode();
  }

  private static Kind kindOf(byte[] h) {
    try {
      LtxHeader.decode(h, 0, true);
      throw new AssertionError("accepted");
    } catch (LtxFormatException e) {
      return e.kind();
    }
  }

  private static byte[] with(int off, long value, int width) {
    byte[] h = valid();
    ByteBuffer b = ByteBuffer.wrap(h);
    if (width == 4) {
      b.putInt(off, (int) value);
    } else {
      b.putLong(off, value);
    }
    return h;
  }

  @Test
  void encodesEveryFieldBigEndianAtItsOffset() throws Exception {
    byte[] h = valid();
    ByteBuffer b = ByteBuffer.wrap(h);
    assertThat(b.getInt(0)).isEqualTo(0x4C545831);
    assertThat(b.getInt(8)).isEqualTo(4096);
    assertThat(b.getInt(12)).isEqualTo(10);
    assertThat(b.getLong(16)).isEqualTo(5);
    assertThat(b.getLong(24)).isEqualTo(7);
    assertThat(b.getLong(32)).isEqualTo(1234);
    assertThat(b.getLong(40)).isEqualTo(PRE);
    assertThat(b.getLong(48)).isEqualTo(32);
    assertThat(b.getLong(56)).isEqualTo(8240);
    assertThat(b.getInt(64)).isEqualTo(0x4875a40b);
    assertThat(b.getInt(68)).isEqualTo(0xa38de4f5);
    assertThat(b.getLong(72)).isEqualTo(0x1122334455667788L);
    for (int i = 80; i < 100; i++) {
      assertThat(h[i]).isZero();
    }
    LtxHeader d = LtxHeader.decode(h, 0, true);
    assertThat(d.encode()).isEqualTo(h);
    assertThat(d.preApplyPos()).isEqualTo(new Pos(4, PRE));
    assertThat(LtxHeader.builder(4096, 0xFFFFFFFFL, 1, 1).build().commit()).isEqualTo(0xFFFFFFFFL);
  }

  @Test
  void decodeReportsEachRuleWithItsKind() {
    assertThat(kindOf(with(0, 0x4C545832, 4))).isEqualTo(Kind.BAD_MAGIC);
    assertThat(kindOf(with(4, 2, 4))).isEqualTo(Kind.BAD_FLAGS);
    assertThat(kindOf(with(4, 0x80000001, 4))).isEqualTo(Kind.BAD_FLAGS);
    for (int ps : new int[] {0, 1, 256, 1000, 4097, 131072, -65536}) {
      assertThat(kindOf(with(8, ps, 4))).as("page size %d", ps).isEqualTo(Kind.BAD_PAGE_SIZE);
    }
    assertThat(kindOf(with(16, 0, 8))).isEqualTo(Kind.BAD_TXID_RANGE);
    assertThat(kindOf(with(24, 0, 8))).isEqualTo(Kind.BAD_TXID_RANGE);
    assertThat(kindOf(with(24, 4, 8))).isEqualTo(Kind.BAD_TXID_RANGE);
    assertThat(kindOf(with(16, -1L, 8))).as("unsigned comparison").isEqualTo(Kind.BAD_TXID_RANGE);
    assertThat(kindOf(with(48, -1, 8))).isEqualTo(Kind.BAD_WAL_FIELDS);
    assertThat(kindOf(with(56, -1, 8))).isEqualTo(Kind.BAD_WAL_FIELDS);
    assertThat(kindOf(with(48, 0, 8))).as("salts without offset").isEqualTo(Kind.BAD_WAL_FIELDS);
    byte[] noSalts = with(64, 0, 8);
    ByteBuffer.wrap(noSalts).putLong(56, 0);
    assertThat(kindOf(noSalts)).as("offset without size").isEqualTo(Kind.BAD_WAL_FIELDS);
    assertThat(kindOf(with(40, 0, 8))).isEqualTo(Kind.BAD_PRE_APPLY_CHECKSUM);
    assertThat(kindOf(with(40, 0x123, 8))).isEqualTo(Kind.BAD_PRE_APPLY_CHECKSUM);
    byte[] snapshot = with(16, 1, 8);
    assertThat(kindOf(snapshot))
        .as("snapshot with pre-apply")
        .isEqualTo(Kind.BAD_PRE_APPLY_CHECKSUM);
    byte[] reserved = valid();
    reserved[99] = 1;
    assertThat(kindOf(reserved)).isEqualTo(Kind.BAD_RESERVED_BYTES);
  }

  @Test
  void lenientDecodeIgnoresReservedBytesAndUncheckedFieldsAreFree() throws Exception {
    byte[] reserved = valid();
    reserved[80] = 7;
    assertThat(LtxHeader.decode(reserved, 0, false).nodeId()).isEqualTo(0x1122334455667788L);
    byte[] odd = with(32, -5, 8);
    ByteBuffer.wrap(odd).putInt(12, 0);
    assertThat(LtxHeader.decode(odd, 0, true).timestamp()).isEqualTo(-5);
  }

  @Test
  void constructorRejectsWhatDecodeRejects() {
    assertThatThrownBy(() -> LtxHeader.builder(4096, 1, 2, 2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pre-apply");
    assertThatThrownBy(() -> LtxHeader.builder(4096, -1, 1, 1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LtxHeader.builder(4096, 1L << 32, 1, 1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LtxHeader.builder(3000, 1, 1, 1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LtxTrailer(1, DatabaseChecksum.FLAG))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LtxTrailer(DatabaseChecksum.FLAG, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
