package dev.replicafs.cmd.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The SQLite workloads, run by this process (sqlite-jdbc) against a database path on any file
 * system: the raw disk, a ReplicaFS mount or a baseline mount. Each one checks afterwards that the
 * database holds what it wrote or read, so a figure is never produced by a workload that silently
 * did less.
 */
final class SqlWorkloads {
  /** A journal mode and a synchronous setting. */
  record Mode(String journal, String sync) {
    @Override
    public String toString() {
      return journal + "+" + sync;
    }
  }

  /** Throughput and latency percentiles of a run of transactions. */
  record TxResult(int transactions, double perSecond, double p50Ms, double p99Ms) {}

  /** Point reads per second (cold then warm) and full-scan MB/s (cold then warm). */
  record ReadResult(
      int reads,
      double coldPerSecond,
      double warmPerSecond,
      double scanColdMBs,
      double scanWarmMBs) {}

  static final String PAYLOAD = "x".repeat(100);

  private SqlWorkloads() {}

  static Connection open(Path db) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + db);
  }

  /**
   * Latencies and time of single-row transactions run in several shares ({@link SingleRowRounds}):
   * the rate is all transactions over the summed time of the shares.
   */
  static final class TxSamples {
    private long[] lat = new long[256];
    private int n;
    private double secs;

    void add(long[] share, double shareSecs) {
      if (n + share.length > lat.length) {
        lat = Arrays.copyOf(lat, Math.max(lat.length * 2, n + share.length));
      }
      System.arraycopy(share, 0, lat, n, share.length);
      n += share.length;
      secs += shareSecs;
    }

    TxResult result() {
      return summarize(Arrays.copyOf(lat, n), secs);
    }
  }

  /** {@code n} single-row INSERT transactions in {@code mode} on a connection of their own. */
  static TxResult singleRow(Path db, Mode mode, int n) throws SQLException {
    try (SingleRowSession s = new SingleRowSession(db, mode)) {
      return s.run(n, null);
    }
  }

  /**
   * One connection running single-row INSERT transactions in a mode, share after share ({@link
   * SingleRowRounds}): the connection stays open between shares, so the shares are one workload
   * (one WAL, one page cache) cut into parts, as if they had run back to back.
   */
  static final class SingleRowSession implements AutoCloseable {
    private final Path db;
    private final Connection c;
    private final Statement s;
    private final PreparedStatement ins;

    SingleRowSession(Path db, Mode mode) throws SQLException {
      this.db = db;
      this.c = open(db);
      try {
        this.s = c.createStatement();
        s.execute("PRAGMA journal_mode=" + mode.journal());
        s.execute("PRAGMA synchronous=" + mode.sync());
        s.execute("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT)");
        this.ins = c.prepareStatement("INSERT INTO t(v) VALUES (?)");
        ins.setString(1, PAYLOAD);
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
    }

    /**
     * Runs {@code n} transactions and checks they all wrote their row; their latencies and time are
     * also added to {@code into} unless it is null.
     */
    TxResult run(int n, TxSamples into) throws SQLException {
      long before = count(s, "t");
      long[] lat = new long[n];
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long s0 = System.nanoTime();
        s.execute("BEGIN IMMEDIATE");
        ins.executeUpdate();
        s.execute("COMMIT");
        lat[i] = System.nanoTime() - s0;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      expect(count(s, "t") - before, n, "rows written to " + db);
      if (into != null) {
        into.add(lat, secs);
      }
      return summarize(lat, secs);
    }

    @Override
    public void close() throws SQLException {
      c.close();
    }
  }

  /** {@code batches} transactions of {@code rows} inserts each (WAL+NORMAL); rows/s. */
  static TxResult batched(Path db, int batches, int rows) throws SQLException {
    try (Connection c = open(db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("CREATE TABLE IF NOT EXISTS b(id INTEGER PRIMARY KEY, v TEXT)");
      long before = count(s, "b");
      long[] lat = new long[batches];
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO b(v) VALUES (?)")) {
        ins.setString(1, PAYLOAD);
        long t0 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
          long s0 = System.nanoTime();
          s.execute("BEGIN IMMEDIATE");
          for (int r = 0; r < rows; r++) {
            ins.executeUpdate();
          }
          s.execute("COMMIT");
          lat[i] = System.nanoTime() - s0;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        expect(count(s, "b") - before, (long) batches * rows, "rows written to " + db);
        TxResult tx = summarize(lat, secs);
        return new TxResult(batches, tx.perSecond() * rows, tx.p50Ms(), tx.p99Ms());
      }
    }
  }

  /**
   * Fills a DELETE-mode database with {@code rows} rows of a 1,000-byte blob (the read workload's
   * data), in transactions of 1,000 rows.
   */
  static void fill(Path db, long rows) throws SQLException {
    try (Connection c = open(db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=DELETE");
      s.execute("CREATE TABLE IF NOT EXISTS r(id INTEGER PRIMARY KEY, v BLOB)");
      try (PreparedStatement ins =
          c.prepareStatement("INSERT INTO r(v) VALUES (randomblob(1000))")) {
        for (long i = 0; i < rows; i += 1000) {
          s.execute("BEGIN IMMEDIATE");
          for (long j = i; j < Math.min(rows, i + 1000); j++) {
            ins.executeUpdate();
          }
          s.execute("COMMIT");
        }
      }
      expect(count(s, "r"), rows, "rows in " + db);
    }
  }

  /**
   * {@code n} random point reads on a freshly opened connection (cold: SQLite's cache is empty),
   * then the same number again on the same connection (warm), then two full scans (cold = the first
   * scan of this connection, warm = the second). The scan rate is the database file size over the
   * scan time. Every read must find its row.
   */
  static ReadResult reads(Path db, long rows, int n) throws Exception {
    long bytes = Files.size(db);
    try (Connection c = open(db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA query_only=1");
      double cold = pointReads(c, rows, n, 1);
      double warm = pointReads(c, rows, n, 2);
      double scanCold = scan(s, rows, bytes);
      double scanWarm = scan(s, rows, bytes);
      return new ReadResult(n, cold, warm, scanCold, scanWarm);
    }
  }

  private static double pointReads(Connection c, long rows, int n, long seed) throws SQLException {
    SplittableRandom rnd = new SplittableRandom(seed);
    long found = 0;
    try (PreparedStatement q = c.prepareStatement("SELECT v FROM r WHERE id = ?")) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        q.setLong(1, 1 + rnd.nextLong(rows));
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next() && rs.getBytes(1).length == 1000) {
            found++;
          }
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      expect(found, n, "point reads that found their row");
      return n / secs;
    }
  }

  private static double scan(Statement s, long rows, long bytes) throws SQLException {
    long t0 = System.nanoTime();
    try (ResultSet rs = s.executeQuery("SELECT count(*), sum(length(v)) FROM r")) {
      rs.next();
      double secs = (System.nanoTime() - t0) / 1e9;
      expect(rs.getLong(1), rows, "rows scanned");
      expect(rs.getLong(2), rows * 1000, "bytes scanned");
      return bytes / 1e6 / secs;
    }
  }

  static long count(Statement s, String table) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void expect(long actual, long expected, String what) {
    if (actual != expected) {
      throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
    }
  }

  static TxResult summarize(long[] latNanos, double secs) {
    long[] lat = latNanos.clone();
    Arrays.sort(lat);
    int n = lat.length;
    return new TxResult(n, n / secs, pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6);
  }

  static long pct(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  }
}
