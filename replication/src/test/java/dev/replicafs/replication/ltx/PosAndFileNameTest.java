package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PosAndFileNameTest {
  @Test
  void posFormatsAndParsesTheLitefsTextForm() {
    Pos p = new Pos(1000, 0x80000000000007d0L);
    assertThat(p.format()).isEqualTo("00000000000003e8/80000000000007d0").hasSize(Pos.TEXT_LENGTH);
    assertThat(Pos.parse(p.format())).isEqualTo(p);
    assertThat(Pos.ZERO.format()).isEqualTo("0000000000000000/0000000000000000");
    assertThat(Pos.parse("ffffffffffffffff/ffffffffffffffff").txid()).isEqualTo(-1L);
  }

  @Test
  void posParseRejectsUppercaseWrongLengthAndSeparator() {
    for (String bad :
        new String[] {
          "00000000000003E8/80000000000007d0",
          "3e8/80000000000007d0",
          "00000000000003e8-80000000000007d0",
          "00000000000003e8/80000000000007d0 ",
          "00000000000003e8/00000000000007d0",
          "+0000000000003e8/80000000000007d0",
          ""
        }) {
      assertThatThrownBy(() -> Pos.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void fileNamesAreFixedWidthLowercaseHex() {
    assertThat(LtxFileName.format(1, 1000)).isEqualTo("0000000000000001-00000000000003e8.ltx");
    assertThat(LtxFileName.parse("0000000000000001-00000000000003e8.ltx"))
        .contains(new LtxFileName(1, 1000));
    assertThat(LtxFileName.parse("fffffffffffffffe-ffffffffffffffff.ltx"))
        .contains(new LtxFileName(-2L, -1L));
    assertThat(new LtxFileName(0xfffffffffffffffeL, -1L).compareTo(new LtxFileName(2, 3)))
        .isPositive();
  }

  @Test
  void fileNameParseRejectsAnythingElse() {
    for (String bad :
        new String[] {
          "0000000000000001-00000000000003E8.ltx",
          "0000000000000001-00000000000003e8.LTX",
          "0000000000000001-00000000000003e8.ltx.tmp",
          "000000000000001-00000000000003e8.ltx",
          "0000000000000000-0000000000000001.ltx",
          "0000000000000003-0000000000000002.ltx",
          "0000000000000001_00000000000003e8.ltx",
          "x000000000000001-00000000000003e8.ltx"
        }) {
      assertThat(LtxFileName.parse(bad)).as(bad).isEmpty();
    }
    assertThat(LtxFileName.parse(null)).isEmpty();
  }
}
