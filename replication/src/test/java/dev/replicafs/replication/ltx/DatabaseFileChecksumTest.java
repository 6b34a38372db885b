package dev.replicafs.replication.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseFileChecksumTest {
  @TempDir Path tmp;

  @Test
  void everyParallelismGivesTheChecksumOfThePagesAndFillsPerPageSlots() throws Exception {
    int ps = 1024;
    int pages = 9000;
    byte[] data = new byte[ps * pages + 333];
    new Random(3).nextBytes(data);
    Path db = tmp.resolve("db");
    Files.write(db, data);
    DatabaseChecksum want = new DatabaseChecksum();
    long[] wantPages = new long[pages];
    for (int i = 0; i < pages; i++) {
      wantPages[i] = DatabaseChecksum.page(i + 1, data, i * ps, ps);
      want.add(wantPages[i]);
    }
    ExecutorService pool = Executors.newFixedThreadPool(3, r -> new Thread(r, "test-checksum"));
    try (FileChannel ch = FileChannel.open(db, StandardOpenOption.READ)) {
      for (int parallelism = 1; parallelism <= 4; parallelism++) {
        long[] got = new long[pages + 5];
        Arrays.fill(got, -1);
        assertThat(DatabaseFileChecksum.compute(ch, ps, pages, got, parallelism, pool))
            .as("parallelism %d", parallelism)
            .isEqualTo(want.value());
        assertThat(Arrays.copyOf(got, pages)).isEqualTo(wantPages);
        assertThat(got[pages]).as("slots past the pages are untouched").isEqualTo(-1);
      }
      assertThat(DatabaseFileChecksum.compute(ch, ps, pages, null)).isEqualTo(want.value());
      assertThat(DatabaseFileChecksum.compute(ch, ps, 0, null)).isEqualTo(DatabaseChecksum.EMPTY);
      assertThatThrownBy(() -> DatabaseFileChecksum.compute(ch, ps, pages + 1, null))
          .isInstanceOfSatisfying(
              LtxFormatException.class,
              e -> assertThat(e.kind()).isEqualTo(LtxFormatException.Kind.BAD_DATABASE_IMAGE));
      assertThatThrownBy(() -> DatabaseFileChecksum.compute(ch, ps, pages, new long[3]))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void lockPageNeverContributesWhateverItHolds() throws Exception {
    int ps = 65536;
    long lock = DatabaseChecksum.lockPgno(ps);
    long pages = lock + 1;
    Path db = tmp.resolve("sparse.db");
    try (FileChannel ch =
        FileChannel.open(
            db,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.SPARSE)) {
      byte[] junk = new byte[ps];
      new Random(5).nextBytes(junk);
      ch.write(ByteBuffer.wrap(junk), (lock - 1) * ps);
      ch.write(ByteBuffer.wrap(new byte[ps]), lock * ps);
      long zeros = Crc64.update(0, new byte[ps], 0, ps);
      DatabaseChecksum want = new DatabaseChecksum();
      for (long p = 1; p <= pages; p++) {
        if (p != lock) {
          want.add(Crc64.combine(Crc64.updateInt(0, (int) p), zeros, ps));
        }
      }
      long[] perPage = new long[(int) pages];
      assertThat(DatabaseFileChecksum.compute(ch, ps, pages, perPage)).isEqualTo(want.value());
      assertThat(perPage[(int) lock - 1]).isZero();
    }
  }

  @Test
  void sqliteHeaderGivesPageSizeAndCountAndBadFilesAreTyped() throws Exception {
    byte[] db = new byte[2 * 65536];
    System.arraycopy("SQLite format 3\0".getBytes(), 0, db, 0, 16);
    db[16] = 0;
    db[17] = 1;
    ByteBuffer.wrap(db).putInt(28, 2);
    Path file = tmp.resolve("sqlite.db");
    Files.write(file, db);
    long want =
        new DatabaseChecksum()
            .add(DatabaseChecksum.page(1, db, 0, 65536))
            .add(DatabaseChecksum.page(2, db, 65536, 65536))
            .value();
    assertThat(DatabaseFileChecksum.ofSqliteFile(file, null)).as("1 means 65536").isEqualTo(want);
    db[17] = 3;
    Files.write(file, db);
    assertThatThrownBy(() -> DatabaseFileChecksum.ofSqliteFile(file, null))
        .isInstanceOf(LtxFormatException.class)
        .hasMessageContaining("page size");
  }
}
