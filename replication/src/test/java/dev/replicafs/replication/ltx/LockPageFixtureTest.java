package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page-size-65536 lock-page pair: a 5 MB LZ4 snapshot whose page block is 1 GiB and that skips
 * page 16385, and an incremental file touching the pages around it.
 */
class LockPageFixtureTest {
  private static final String SNAPSHOT =
      "generated-v1/lockpage/0000000000000001-0000000000000001.ltx";
  private static final String INCREMENTAL =
      "generated-v1/lockpage/0000000000000002-0000000000000002.ltx";
  private static final int PS = 65536;
  private static final long LOCK = 16385;

  @TempDir Path tmp;

  @Test
  void snapshotDecodesInBoundedMemoryWithoutTheLockPage() throws Exception {
    assertThat(DatabaseChecksum.lockPgno(PS)).isEqualTo(LOCK);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] expected = {1};
    byte[] zeros = new byte[PS];
    long before;
    long after;
    LtxTrailer trailer;
    try (InputStream in =
        new BufferedInputStream(Files.newInputStream(SharedFixtures.file(SNAPSHOT)), 1 << 16)) {
      before = mx.getCurrentThreadAllocatedBytes();
      LtxDecoder dec = LtxDecoder.open(in);
      byte[] page = new byte[PS];
      long pgno;
      while ((pgno = dec.nextPage(page)) != 0) {
        if (pgno != expected[0]) {
          throw new AssertionError("page " + pgno + " where " + expected[0] + " was expected");
        }
        byte[] label = ("lockpage-fixture pgno=" + pgno).getBytes(StandardCharsets.US_ASCII);
        if (Arrays.mismatch(page, 0, label.length, label, 0, label.length) >= 0
            || Arrays.mismatch(page, label.length, PS, zeros, label.length, PS) >= 0) {
          throw new AssertionError("unexpected content in page " + pgno);
        }
        expected[0] = pgno + 1 == LOCK ? LOCK + 1 : pgno + 1;
      }
      trailer = dec.trailer();
      after = mx.getCurrentThreadAllocatedBytes();
      assertThat(dec.pageCount()).isEqualTo(16385);
      assertThat(dec.pagesChecksum()).isEqualTo(0xbdbf002461c08ca9L);
    }
    assertThat(expected[0]).isEqualTo(16387);
    assertThat(trailer.postApplyChecksum()).isEqualTo(0xbdbf002461c08ca9L);
    assertThat(trailer.fileChecksum()).isEqualTo(0xae50ea8bbb8befefL);
    assertThat(after - before)
        .as("bytes allocated while decoding a 1 GiB page block")
        .isLessThan(4L << 20);
  }

  @Test
  void restoredImageHasZerosAtTheLockPageAndChecksumsWithoutIt() throws Exception {
    Path db = tmp.resolve("database");
    try (FileChannel ch =
        FileChannel.open(
            db, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      try (InputStream in =
          new BufferedInputStream(Files.newInputStream(SharedFixtures.file(SNAPSHOT)), 1 << 16)) {
        DatabaseImage.apply(in, ch);
      }
      assertThat(ch.size()).isEqualTo(16386L * PS);
      ByteBuffer lock = ByteBuffer.allocate(PS);
      ch.read(lock, (LOCK - 1) * PS);
      assertThat(lock.array()).containsOnly(0);

      try (InputStream in = Files.newInputStream(SharedFixtures.file(INCREMENTAL))) {
        DatabaseImage.apply(in, ch);
      }
      long[] perPage = new long[16386];
      long checksum = DatabaseFileChecksum.compute(ch, PS, 16386, perPage);
      assertThat(checksum).isEqualTo(0x8f1fbf020d41b740L);
      assertThat(perPage[(int) LOCK - 1]).as("lock page slot").isZero();
      assertThat(perPage[16383]).isEqualTo(0xb4c6ca3570678acbL);
      assertThat(perPage[16385]).isEqualTo(0xa8785029e61230f7L);
      long withLockPage =
          checksum ^ DatabaseChecksum.page(LOCK, new byte[PS]) | DatabaseChecksum.FLAG;
      assertThat(withLockPage)
          .as("what ltx v0.3.14's ChecksumReader (which keeps the lock page) reports")
          .isEqualTo(0x8b864c9dbc47ad02L);
    }
  }
}
