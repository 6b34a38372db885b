package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The incremental page table agrees with a from-scratch XOR through growth, changes and shrink. */
class PageChecksumsTest {
  private static long fromScratch(long[] pages, int count, long lock) {
    DatabaseChecksum c = new DatabaseChecksum();
    for (int i = 0; i < count; i++) {
      if (i + 1 != lock) {
        c.add(pages[i]);
      }
    }
    return c.value();
  }

  @Test
  void incrementalValueMatchesFromScratchAndSkipsTheLockPage() {
    int ps = 65536;
    long lock = DatabaseChecksum.lockPgno(ps);
    Random r = new Random(1);
    long[] truth = new long[(int) lock + 100];
    PageChecksums table = new PageChecksums(ps);
    int count = 0;
    for (int round = 0; round < 200; round++) {
      int newCount = Math.max(1, Math.min(truth.length, count + r.nextInt(400) - 150));
      TreeMap<Long, Long> changes = new TreeMap<>();
      for (long p = count + 1; p <= newCount; p++) {
        changes.put(p, DatabaseChecksum.FLAG | r.nextLong());
      }
      for (int i = 0; i < 5 && newCount > 0; i++) {
        changes.put(1L + r.nextInt(newCount), DatabaseChecksum.FLAG | r.nextLong());
      }
      changes.remove(lock);
      long predicted = table.valueAfter(changes, newCount);
      table.apply(changes, newCount);
      for (Map.Entry<Long, Long> e : changes.entrySet()) {
        if (e.getKey() <= newCount) {
          truth[(int) (e.getKey() - 1)] = e.getValue();
        }
      }
      count = newCount;
      assertThat(table.value()).isEqualTo(predicted).isEqualTo(fromScratch(truth, count, lock));
      assertThat(table.get(lock)).isZero();
    }
    assertThat(table.count()).isEqualTo(count);
  }

  @Test
  void emptyTableIsTheFlagAndTheLockPageCannotBeSet() {
    PageChecksums table = new PageChecksums(4096);
    assertThat(table.value()).isEqualTo(DatabaseChecksum.EMPTY);
    table.resize(DatabaseChecksum.lockPgno(4096) + 1);
    assertThatThrownBy(() -> table.set(DatabaseChecksum.lockPgno(4096), DatabaseChecksum.FLAG | 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
