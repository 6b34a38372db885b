package dev.replicafs.fuse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random SQLite workload as SQL scripts, one script per transaction-sized step: inserts
 * (rows up to a few pages long), updates, deletes, multi-statement transactions, savepoints rolled
 * back and released, explicit rollbacks, CREATE INDEX, and near the end a mass delete followed by
 * VACUUM so the database shrinks.
 */
final class RandomWorkload {
  private final Random random;
  private int nextId = 1;

  RandomWorkload(long seed) {
    this.random = new Random(seed);
  }

  /** Statements that set up the database: page size first, then the journal mode, then tables. */
  static List<String> setup(int pageSize, JournalMode mode) {
    return List.of(
        "PRAGMA page_size=" + pageSize + ";",
        mode.pragma() + ";",
        "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v BLOB);");
  }

  /** {@code steps} scripts; each is run as one batch. */
  List<String> steps(int steps) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      out.add(step(i, steps));
    }
    return out;
  }

  private String step(int i, int steps) {
    if (i == steps / 2) {
      return "CREATE INDEX t_k ON t(k);";
    }
    if (i == steps - 3) {
      return "DELETE FROM t WHERE id % 4 != 0;";
    }
    if (i == steps - 2) {
      return "VACUUM;";
    }
    return switch (random.nextInt(7)) {
      case 0, 1 -> insert();
      case 2 ->
          "UPDATE t SET v = randomblob("
              + size()
              + "), k = k + 1 WHERE id % 5 = "
              + random.nextInt(5)
              + ";";
      case 3 -> "DELETE FROM t WHERE id = " + (1 + random.nextInt(nextId)) + ";";
      case 4 ->
          "BEGIN; " + insert() + " " + insert() + " UPDATE t SET k = -k WHERE id % 3 = 0; COMMIT;";
      case 5 -> "SAVEPOINT a; " + insert() + " ROLLBACK TO a; " + insert() + " RELEASE a;";
      default -> "BEGIN; " + insert() + " DELETE FROM t WHERE id % 7 = 1; ROLLBACK;";
    };
  }

  private String insert() {
    int id = nextId++;
    return "INSERT INTO t(id, k, v) VALUES ("
        + id
        + ", "
        + random.nextInt(1000)
        + ", randomblob("
        + size()
        + "));";
  }

  private int size() {
    return random.nextInt(10) == 0 ? 5000 + random.nextInt(150_000) : 10 + random.nextInt(3000);
  }
}
