package dev.replicafs.replication.ltx;

import static dev.replicafs.replication.ltx.SharedFixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Applies the fixture chains to a database image step by step, compacts them as the reference does,
 * and checksums the database files copied from the LiteFS repository.
 */
class ChainAndCompactionFixtureTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"chain-raw", "chain-lz4", "wal-derived"})
  void applyingEachChainStepGivesTheRecordedDatabaseImage(String chain) throws Exception {
    Path dir = SharedFixtures.file("generated-v1/" + chain);
    Path db = tmp.resolve("database");
    int steps = 0;
    try (FileChannel ch =
        FileChannel.open(
            db, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      Pos pos = Pos.ZERO;
      for (long txid = 1; ; txid++) {
        Path ltx = dir.resolve(LtxFileName.format(txid, txid));
        if (!Files.exists(ltx)) {
          break;
        }
        LtxTrailer trailer;
        LtxHeader header;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(ltx))) {
          header = LtxDecoder.open(new ByteArrayInputStream(Files.readAllBytes(ltx))).header();
          assertThat(header.preApplyPos()).as("chain links at txid %d", txid).isEqualTo(pos);
          trailer = DatabaseImage.apply(in, ch);
        }
        pos = trailer.postApplyPos(header);
        long[] perPage = new long[(int) header.commit()];
        long checksum =
            DatabaseFileChecksum.compute(ch, header.pageSize(), header.commit(), perPage);
        assertThat(checksum)
            .as("checksum after txid %d", txid)
            .isEqualTo(trailer.postApplyChecksum());
        for (int i = 0; i < perPage.length; i++) {
          byte[] page = new byte[header.pageSize()];
          ch.read(java.nio.ByteBuffer.wrap(page), (long) i * header.pageSize());
          assertThat(perPage[i]).isEqualTo(DatabaseChecksum.page(i + 1, page));
        }
        Path image = dir.resolve("db-after-txid-" + txid + ".bin");
        if (header.commit() == 0) {
          assertThat(ch.size()).as("deletion empties the image").isZero();
          assertThat(trailer.postApplyChecksum()).isEqualTo(DatabaseChecksum.EMPTY);
        } else {
          assertThat(Files.readAllBytes(db))
              .as("image after txid %d", txid)
              .isEqualTo(Files.readAllBytes(image));
        }
        steps++;
      }
    }
    assertThat(steps).isEqualTo(chain.equals("wal-derived") ? 2 : 6);
  }

  @Test
  void compactingTheRawChainReproducesTheReferenceOutputByteForByte() throws Exception {
    assertCompacts("generated-v1/chain-raw", 2, 4, 0);
    assertCompacts("generated-v1/chain-raw", 1, 5, 0);
  }

  @Test
  void compactingTheLz4ChainMatchesTheReferenceContentAndTrailer() throws Exception {
    assertCompacts("generated-v1/chain-lz4", 2, 4, LtxHeader.FLAG_COMPRESS_LZ4);
    assertCompacts("generated-v1/chain-lz4", 1, 5, LtxHeader.FLAG_COMPRESS_LZ4);
  }

  @Test
  void compactingTheUpstreamSnapshotVectorsReproducesU6c() throws Exception {
    byte[] out =
        compact(
            0,
            "generated-v1/unit-vectors/u6a-input-0000000000000001-0000000000000001.ltx",
            "generated-v1/unit-vectors/u6b-input-0000000000000002-0000000000000002.ltx");
    assertThat(out)
        .isEqualTo(
            SharedFixtures.read(
                "generated-v1/unit-vectors/u6c-compacted-0000000000000001-0000000000000002.ltx"));
    assertThat(Decoded.of(out).trailer().fileChecksum()).isEqualTo(0xcaf341fe1e6cddfbL);
  }

  @Test
  void compactingOneFileWithZeroNodeAndWalFieldsReproducesIt() throws Exception {
    String u1 = "generated-v1/unit-vectors/u1-snapshot-ps512-1page.ltx";
    assertThat(compact(0, u1)).isEqualTo(SharedFixtures.read(u1));
  }

  @Test
  void compactionRejectsAGapBetweenInputs() throws Exception {
    String one = "generated-v1/chain-raw/0000000000000001-0000000000000001.ltx";
    String three = "generated-v1/chain-raw/0000000000000003-0000000000000003.ltx";
    assertThatThrownBy(() -> compact(0, one, three))
        .isInstanceOfSatisfying(
            LtxFormatException.class,
            e -> assertThat(e.kind()).isEqualTo(LtxFormatException.Kind.BAD_SEQUENCE));
  }

  @Test
  void litefsDatabasesHaveTheirDocumentedChecksums() throws Exception {
    String base = "from-litefs-repo/testdata/";
    Path sqliteDb =
        SharedFixtures.file(base + "store/open-and-write-snapshot/dbs/sqlite.db/database");
    long[] perPage = new long[10];
    assertThat(DatabaseFileChecksum.ofSqliteFile(sqliteDb, perPage)).isEqualTo(0xfe3831a381c602b9L);
    assertThat(perPage[0]).isEqualTo(0xadf3e188cb5dc241L);
    assertThat(perPage[6]).isEqualTo(0xeaf0947b2055d648L);
    assertThat(perPage[9]).isEqualTo(0x93c527c6d220bd8dL);
    for (String db : List.of("db/enforce-retention/database", "db/write-snapshot-to/database")) {
      assertThat(DatabaseFileChecksum.ofSqliteFile(SharedFixtures.file(base + db), null))
          .isEqualTo(0xe2e79e6905b952dbL);
    }
    for (String bad :
        List.of(
            "store/open-invalid-database-header/dbs/test.db/database",
            "store/open-short-database/dbs/test.db/database",
            "store/open-name-only/dbs/test.db/database")) {
      assertThatThrownBy(
              () -> DatabaseFileChecksum.ofSqliteFile(SharedFixtures.file(base + bad), null))
          .isInstanceOfSatisfying(
              LtxFormatException.class,
              e -> assertThat(e.kind()).isEqualTo(LtxFormatException.Kind.BAD_DATABASE_IMAGE));
    }
  }

  @Test
  void realLitefsLtxAppliedOverItsDatabaseLeavesItsChecksum() throws Exception {
    String dir = "from-litefs-repo/testdata/store/open-and-write-snapshot/dbs/sqlite.db/";
    Path db = tmp.resolve("database");
    Files.copy(SharedFixtures.file(dir + "database"), db);
    byte[] ltx = SharedFixtures.read(dir + "ltx/000000000000000d-000000000000000d.ltx");
    Decoded d = Decoded.of(ltx);
    assertThat(d.pages()).extracting(Decoded.Page::pgno).containsExactly(1L, 7L, 8L);
    assertThat(d.header().preApplyChecksum()).isEqualTo(0x9c74a15b4e4f246cL);
    try (FileChannel ch = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      LtxTrailer t = DatabaseImage.apply(new ByteArrayInputStream(ltx), ch);
      assertThat(t.postApplyChecksum()).isEqualTo(0xfe3831a381c602b9L);
      assertThat(t.fileChecksum()).isEqualTo(0x9496a29358326fb5L);
      assertThat(DatabaseFileChecksum.compute(ch, 4096, 10, null)).isEqualTo(t.postApplyChecksum());
    }
    assertThat(Files.readAllBytes(db))
        .isEqualTo(Files.readAllBytes(SharedFixtures.file(dir + "database")));
  }

  private void assertCompacts(String dir, long min, long max, int flags) throws Exception {
    List<String> inputs = new ArrayList<>();
    for (long t = min; t <= max; t++) {
      inputs.add(dir + "/" + LtxFileName.format(t, t));
    }
    byte[] out = compact(flags, inputs.toArray(String[]::new));
    String expectedFile = dir + "/compacted/" + LtxFileName.format(min, max);
    byte[] expected = SharedFixtures.read(expectedFile);
    if (flags == 0) {
      assertThat(out).as(expectedFile).isEqualTo(expected);
    } else {
      Decoded got = Decoded.of(out);
      Decoded want = Decoded.of(expected);
      assertThat(got.header()).isEqualTo(want.header());
      assertThat(got.pageBlock()).isEqualTo(want.pageBlock());
      assertThat(got.trailer()).isEqualTo(want.trailer());
    }
    assertThat(Decoded.of(out).trailer().fileChecksum())
        .isEqualTo(hex(SharedFixtures.entry(expectedFile).get("file_checksum")));
  }

  private static byte[] compact(int flags, String... files) throws IOException {
    List<InputStream> ins = new ArrayList<>();
    for (String f : files) {
      ins.add(new ByteArrayInputStream(SharedFixtures.read(f)));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxCompactor.withFlags(flags).compact(ins, out);
    return out.toByteArray();
  }
}
