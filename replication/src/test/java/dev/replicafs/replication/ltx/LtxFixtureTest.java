package dev.replicafs.replication.ltx;

import static dev.replicafs.replication.ltx.SharedFixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes every generated LTX fixture and compares it field by field with manifest-generated.json;
 * re-encodes it and compares bytes (raw) or content and trailer (LZ4). The 1 GiB lock-page snapshot
 * has its own test in {@link LockPageFixtureTest}.
 */
class LtxFixtureTest {
  static Stream<String> smallFixtures() {
    return SharedFixtures.generatedFiles(e -> e.get("pages") != null);
  }

  @ParameterizedTest
  @MethodSource("smallFixtures")
  void decodesAsTheManifestSays(String file) throws Exception {
    JsonNode e = SharedFixtures.entry(file);
    byte[] bytes = SharedFixtures.read(file);
    assertThat(bytes).hasSize(e.get("size").asInt());
    assertThat(sha256(bytes)).isEqualTo(e.get("sha256").asText());

    Decoded d = Decoded.of(bytes);
    JsonNode h = e.get("header");
    LtxHeader header = d.header();
    assertThat(header.flags()).isEqualTo((int) hex(h.get("flags")));
    assertThat(header.pageSize()).isEqualTo(h.get("page_size").asInt());
    assertThat(header.commit()).isEqualTo(h.get("commit").asLong());
    assertThat(header.minTxid()).isEqualTo(h.get("min_txid").asLong());
    assertThat(header.maxTxid()).isEqualTo(h.get("max_txid").asLong());
    assertThat(header.timestamp()).isEqualTo(h.get("timestamp_ms").asLong());
    assertThat(header.preApplyChecksum()).isEqualTo(hex(h.get("pre_apply_checksum")));
    assertThat(header.walOffset()).isEqualTo(h.get("wal_offset").asLong());
    assertThat(header.walSize()).isEqualTo(h.get("wal_size").asLong());
    assertThat(header.walSalt1()).isEqualTo((int) hex(h.get("wal_salt1")));
    assertThat(header.walSalt2()).isEqualTo((int) hex(h.get("wal_salt2")));
    assertThat(header.nodeId()).isEqualTo(hex(h.get("node_id")));

    JsonNode pages = e.get("pages");
    assertThat(d.pages()).hasSize(e.get("page_count").asInt()).hasSize(pages.size());
    for (int i = 0; i < pages.size(); i++) {
      Decoded.Page p = d.pages().get(i);
      JsonNode want = pages.get(i);
      assertThat(p.pgno()).as("pgno #%d", i).isEqualTo(want.get("pgno").asLong());
      assertThat(DatabaseChecksum.page(p.pgno(), p.data()))
          .as("page checksum of %d", p.pgno())
          .isEqualTo(hex(want.get("page_checksum")));
      assertThat(sha256(p.data())).isEqualTo(want.get("data_sha256").asText());
    }
    assertThat(d.trailer().postApplyChecksum()).isEqualTo(hex(e.get("post_apply_checksum")));
    assertThat(d.trailer().fileChecksum()).isEqualTo(hex(e.get("file_checksum")));
    JsonNode upstream = e.get("upstream_test_expected");
    if (upstream != null && upstream.has("file_checksum")) {
      assertThat(d.trailer().fileChecksum()).isEqualTo(hex(upstream.get("file_checksum")));
    }
    if (upstream != null && upstream.has("post_apply_checksum")) {
      assertThat(d.trailer().postApplyChecksum())
          .isEqualTo(hex(upstream.get("post_apply_checksum")));
    }
    if (!header.isCompressed()) {
      assertThat(d.trailer().fileChecksum())
          .as("raw shortcut: FLAG | CRC(file[0, size-8))")
          .isEqualTo(DatabaseChecksum.FLAG | Crc64.update(0, bytes, 0, bytes.length - 8));
    } else {
      assertThat(slice(bytes, 100, 7))
          .containsExactly(0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, (byte) 0xA7);
    }
    assertThat(Decoded.of(bytes, LtxDecoder.Mode.LENIENT).sameContent(d)).isTrue();
  }

  @ParameterizedTest
  @MethodSource("smallFixtures")
  void reEncodesFromDecodedContent(String file) throws Exception {
    byte[] bytes = SharedFixtures.read(file);
    Decoded d = Decoded.of(bytes);
    long post = d.trailer().postApplyChecksum();
    byte[] again = Decoded.encode(d.header(), d.pages(), post);
    if (!d.header().isCompressed()) {
      assertThat(again).as("raw re-encode is byte-identical").isEqualTo(bytes);
    } else if (d.pages().isEmpty()) {
      assertThat(again)
          .as("an empty LZ4 frame is written exactly as the reference")
          .isEqualTo(bytes);
    } else {
      Decoded back = Decoded.of(again);
      assertThat(back.trailer()).as("same trailer, file checksum included").isEqualTo(d.trailer());
      assertThat(back.pageBlock()).isEqualTo(d.pageBlock());
    }
    int otherFlags = d.header().flags() ^ LtxHeader.FLAG_COMPRESS_LZ4;
    Decoded flipped = Decoded.of(Decoded.encode(d.header().withFlags(otherFlags), d.pages(), post));
    assertThat(flipped.pageBlock()).isEqualTo(d.pageBlock());
    assertThat(flipped.trailer().postApplyChecksum()).isEqualTo(post);
  }

  static Stream<String> fixturesWithImages() {
    return SharedFixtures.generatedFiles(
        e -> e.hasNonNull("database_image_after_apply") && e.get("pages") != null);
  }

  /**
   * Applies each file that has a recorded image to the image before it (empty for a snapshot,
   * {@code db-after-txid-<min-1>.bin} beside the chain otherwise) and compares bytes and checksum.
   */
  @ParameterizedTest
  @MethodSource("fixturesWithImages")
  void applyingGivesTheRecordedDatabaseImage(String file, @TempDir Path tmp) throws Exception {
    JsonNode e = SharedFixtures.entry(file);
    long min = e.get("header").get("min_txid").asLong();
    Path db = tmp.resolve("database");
    if (min > 1) {
      Path dir = SharedFixtures.file(file).getParent();
      if (dir.getFileName().toString().equals("compacted")) {
        dir = dir.getParent();
      }
      Files.copy(dir.resolve("db-after-txid-" + (min - 1) + ".bin"), db);
    } else {
      Files.createFile(db);
    }
    try (FileChannel ch = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      LtxTrailer t = DatabaseImage.apply(new ByteArrayInputStream(SharedFixtures.read(file)), ch);
      int ps = e.get("header").get("page_size").asInt();
      long commit = e.get("header").get("commit").asLong();
      assertThat(DatabaseFileChecksum.compute(ch, ps, commit, null))
          .isEqualTo(t.postApplyChecksum());
    }
    assertThat(Files.readAllBytes(db))
        .isEqualTo(SharedFixtures.read(e.get("database_image_after_apply").asText()));
  }

  static byte[] sha256Bytes(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(sha256Bytes(b));
  }

  static byte[] slice(byte[] b, int off, int len) {
    return java.util.Arrays.copyOfRange(b, off, off + len);
  }
}
