package dev.replicafs.replication.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The LiteFS WAL fixtures (fixtures/ltx README A5..A7): three frames, two transactions; the damaged
 * copies must stop at frame 1.
 */
class WalReaderFixtureTest {
  private static final String DIR = "fixtures/ltx/from-litefs-repo/testdata/wal-reader/";

  private static ByteBuffer load(String name) throws IOException {
    Path path = SharedFixtures.require(DIR + name + "/wal");
    return ByteBuffer.wrap(Files.readAllBytes(path));
  }

  @Test
  void okFixtureYieldsTheDocumentedFramesAndTransactions() throws IOException {
    ByteBuffer image = load("ok");
    WalReader reader = WalReader.open(PositionalSource.of(image));
    WalHeader h = reader.header();
    assertThat(h.magic()).isEqualTo(WalHeader.MAGIC_LE);
    assertThat(h.bigEndianChecksums()).isFalse();
    assertThat(h.formatVersion()).isEqualTo(3007000);
    assertThat(h.pageSize()).isEqualTo(4096);
    assertThat(h.checkpointSeq()).isZero();
    assertThat(h.salt1()).isEqualTo(0x4875a40b);
    assertThat(h.salt2()).isEqualTo(0xa38de4f5);

    ByteBuffer page = ByteBuffer.allocate(4096);
    WalFrame f0 = reader.nextFrame(page);
    assertThat(f0.offset()).isEqualTo(32);
    assertThat(f0.pgno()).isEqualTo(1);
    assertThat(f0.isCommit()).isFalse();
    assertThat(page.flip()).isEqualTo(image.slice(56, 4096));

    page.clear();
    WalFrame f1 = reader.nextFrame(page);
    assertThat(f1.offset()).isEqualTo(4152);
    assertThat(f1.pgno()).isEqualTo(2);
    assertThat(f1.commitSize()).isEqualTo(2);
    assertThat(page.flip()).isEqualTo(image.slice(4176, 4096));
    assertThat(f1.checksum()).isEqualTo(new WalChecksum(0xd6702fda, 0xf16cceda));

    page.clear();
    WalFrame f2 = reader.nextFrame(page);
    assertThat(f2.offset()).isEqualTo(8272);
    assertThat(f2.pgno()).isEqualTo(2);
    assertThat(f2.commitSize()).isEqualTo(2);
    assertThat(page.flip()).isEqualTo(image.slice(8296, 4096));
    assertThat(f2.checksum()).isEqualTo(new WalChecksum(0x420a5a7c, 0xf49c13ab));

    assertThat(reader.nextFrame(null)).isNull();
    assertThat(reader.stop()).isEqualTo(WalStop.END_OF_FILE);
    assertThat(reader.offset()).isEqualTo(12392);
  }

  @Test
  void okFixtureGroupsIntoTheTwoTransactionsLiteFsDerives() throws IOException {
    var txs = WalReader.open(PositionalSource.of(load("ok"))).readTransactions();
    assertThat(txs).hasSize(2);
    WalTransaction t1 = txs.get(0);
    assertThat(t1.startOffset()).isEqualTo(32);
    assertThat(t1.size()).isEqualTo(8240);
    assertThat(t1.commitSize()).isEqualTo(2);
    assertThat(t1.frameCount()).isEqualTo(2);
    assertThat(t1.pages()).isEqualTo(Map.of(1L, 32L, 2L, 4152L));
    WalTransaction t2 = txs.get(1);
    assertThat(t2.startOffset()).isEqualTo(8272);
    assertThat(t2.size()).isEqualTo(4120);
    assertThat(t2.pages()).isEqualTo(Map.of(2L, 8272L));
    assertThat(t2.endOffset()).isEqualTo(12392);
  }

  @Test
  void resumingAtTheSecondTransactionWithItsRunningChecksumReadsOnlyIt() throws IOException {
    ByteBuffer image = load("ok");
    WalReader first = WalReader.open(PositionalSource.of(image));
    WalTransaction t1 = first.nextTransaction();
    WalReader resumed =
        WalReader.resume(
            PositionalSource.of(image), first.header(), t1.endOffset(), t1.endChecksum());
    assertThat(resumed.readTransactions())
        .singleElement()
        .satisfies(t -> assertThat(t.startOffset()).isEqualTo(8272));
    WalReader wrongChecksum =
        WalReader.resume(PositionalSource.of(image), first.header(), 8272, WalChecksum.ZERO);
    assertThat(wrongChecksum.nextTransaction()).isNull();
    assertThat(wrongChecksum.stop()).isEqualTo(WalStop.CHECKSUM_MISMATCH);
  }

  @Test
  void saltMismatchFixtureStopsAtFrameOneWithNoTransaction() throws IOException {
    WalReader reader = WalReader.open(PositionalSource.of(load("salt-mismatch")));
    assertThat(reader.nextFrame(null).pgno()).isEqualTo(1);
    assertThat(reader.nextFrame(null)).isNull();
    assertThat(reader.stop()).isEqualTo(WalStop.SALT_MISMATCH);
    assertThat(reader.offset()).isEqualTo(4152);

    WalReader grouped = WalReader.open(PositionalSource.of(load("salt-mismatch")));
    assertThat(grouped.readTransactions()).isEmpty();
    assertThat(grouped.offset()).isEqualTo(32);
    assertThat(grouped.stop()).isEqualTo(WalStop.SALT_MISMATCH);
  }

  @Test
  void frameChecksumMismatchFixtureStopsAtFrameOne() throws IOException {
    WalReader reader = WalReader.open(PositionalSource.of(load("frame-checksum-mismatch")));
    assertThat(reader.nextFrame(null).pgno()).isEqualTo(1);
    assertThat(reader.nextFrame(null)).isNull();
    assertThat(reader.stop()).isEqualTo(WalStop.CHECKSUM_MISMATCH);
    assertThat(
            WalReader.open(PositionalSource.of(load("frame-checksum-mismatch"))).readTransactions())
        .isEmpty();
  }

  @Test
  void truncatedCopiesStopAtTheTornFrame() throws IOException {
    ByteBuffer image = load("ok");
    for (int cut : new int[] {40, 56, 1000, 4152 + 10, 8272 + 4119}) {
      WalReader reader = WalReader.open(PositionalSource.of(image.slice(0, cut)));
      var txs = reader.readTransactions();
      assertThat(reader.stop()).as("cut at %d", cut).isEqualTo(WalStop.TRUNCATED_FRAME);
      assertThat(txs).hasSize(cut > 8272 ? 1 : 0);
    }
    WalReader exact = WalReader.open(PositionalSource.of(image.slice(0, 8272)));
    assertThat(exact.readTransactions()).hasSize(1);
    assertThat(exact.stop()).isEqualTo(WalStop.END_OF_FILE);
  }

  @Test
  void everySingleByteFlipInTheFramesEndsTheLogAtOrBeforeThatFrame() throws IOException {
    ByteBuffer image = load("ok");
    int frameSize = 4096 + 24;
    for (int pos = 32; pos < image.capacity(); pos += 97) {
      ByteBuffer copy = ByteBuffer.allocate(image.capacity()).put(image.duplicate()).flip();
      copy.put(pos, (byte) (copy.get(pos) ^ 0x01));
      int damagedFrame = (pos - 32) / frameSize;
      WalReader reader = WalReader.open(PositionalSource.of(copy));
      int frames = 0;
      while (reader.nextFrame(null) != null) {
        frames++;
      }
      assertThat(frames).as("flip at %d", pos).isEqualTo(damagedFrame);
    }
  }

  @Test
  void damagedHeadersAreRejectedWithTheFieldNamed() {
    ByteBuffer bad = ByteBuffer.allocate(32);
    assertThatThrownBy(() -> WalHeader.parse(bad))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("bad magic");
    ByteBuffer wrongVersion = WalHeader.create(false, 4096, 0, 1, 2).encode();
    wrongVersion.putInt(4, 1);
    assertThatThrownBy(() -> WalHeader.parse(wrongVersion)).hasMessageContaining("version 1");
    ByteBuffer wrongChecksum = WalHeader.create(true, 4096, 0, 1, 2).encode();
    wrongChecksum.putInt(28, 0);
    assertThatThrownBy(() -> WalHeader.parse(wrongChecksum)).hasMessageContaining("checksum");
    ByteBuffer badPage = WalHeader.create(false, 4096, 0, 1, 2).encode();
    badPage.putInt(8, 1000);
    assertThatThrownBy(() -> WalHeader.parse(badPage)).hasMessageContaining("page size 1000");
    assertThatThrownBy(() -> WalHeader.parse(ByteBuffer.allocate(10)))
        .hasMessageContaining("short");
  }
}
