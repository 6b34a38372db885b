package dev.replicafs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Single-row write transactions per second in WAL+NORMAL, WAL+FULL and DELETE+FULL, through a
 * ReplicaFS mount (a primary node in its own process) vs. the raw disk vs. the C FUSE baseline
 * ({@code ../shared/bench/fuse-baseline/passthrough.c} with {@code PT_LOCK=1}), in one run with the
 * same client (sqlite-jdbc). Also counts FUSE requests per transaction on the ReplicaFS mount. Not
 * a test: run it as documented in docs/BENCHMARKS.md, section "FUSE".
 *
 * <p>Arguments: {@code [workdir] [transactions for NORMAL] [transactions for FULL]}.
 */
public final class FuseThroughputBenchmark {
  private record Mode(String journal, String sync) {
    @Override
    public String toString() {
      return journal + "+" + sync;
    }
  }

  private record Result(double txPerSec, double p50Ms, double p99Ms) {}

  private static final List<Mode> MODES =
      List.of(new Mode("WAL", "NORMAL"), new Mode("WAL", "FULL"), new Mode("DELETE", "FULL"));

  private FuseThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "/tmp/replicafs-bench");
    int normal = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    int full = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    Files.createDirectories(work.resolve("raw"));
    Map<String, Map<Mode, Result>> results = new LinkedHashMap<>();
    Map<Mode, String> requests = new LinkedHashMap<>();
    System.out.printf(
        "# %s, cores=%d, load=%s%n",
        Instant.now(), Runtime.getRuntime().availableProcessors(), load());

    results.put("raw", runAll(work.resolve("raw"), normal, full, null, null));
    try (NodeProcess node =
        NodeProcess.start(work.resolve("rfs-data"), work.resolve("rfs-mnt"), true, true)) {
      results.put("replicafs", runAll(node.mountPoint, normal, full, node, requests));
    }
    try (NodeProcess jnr =
        NodeProcess.start(
            PassthroughMain.class.getName(),
            work.resolve("jnr-back"),
            work.resolve("jnr-mnt"),
            Map.of())) {
      results.put("jnr-passthrough", runAll(jnr.mountPoint, normal, full, null, null));
    }
    Path baseline = startBaseline(work);
    if (baseline != null) {
      try {
        results.put("baseline+locks", runAll(baseline, normal, full, null, null));
      } finally {
        new ProcessBuilder("fusermount", "-u", baseline.toString()).inheritIO().start().waitFor();
      }
    }
    print(results, requests);
    System.out.printf("# load after: %s%n", load());
  }

  private static Map<Mode, Result> runAll(
      Path dir, int normal, int full, NodeProcess node, Map<Mode, String> requests)
      throws Exception {
    Map<Mode, Result> out = new LinkedHashMap<>();
    for (Mode m : MODES) {
      int n = m.sync().equals("NORMAL") ? normal : full;
      Path db =
          dir.resolve("bench-" + m.journal().toLowerCase() + "-" + m.sync().toLowerCase() + ".db");
      if (node != null) {
        node.command("stats");
      }
      Result r = run(db, m, n);
      if (node != null) {
        requests.put(m, perTransaction(node.command("stats"), n));
      }
      out.put(m, r);
      System.out.printf(
          "%-15s %-12s %8.0f tx/s p50=%.3fms p99=%.3fms%n",
          dir.getFileName(), m, r.txPerSec(), r.p50Ms(), r.p99Ms());
    }
    return out;
  }

  private static Result run(Path db, Mode m, int n) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=" + m.journal());
      s.execute("PRAGMA synchronous=" + m.sync());
      s.execute("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT)");
      String payload = "x".repeat(100);
      long[] lat = new long[n];
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long s0 = System.nanoTime();
        s.execute("BEGIN IMMEDIATE");
        s.execute("INSERT INTO t(v) VALUES ('" + payload + "')");
        s.execute("COMMIT");
        lat[i] = System.nanoTime() - s0;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      Arrays.sort(lat);
      return new Result(n / secs, lat[n / 2] / 1e6, lat[(int) (n * 0.99)] / 1e6);
    }
  }

  private static String perTransaction(String stats, int n) {
    String body = stats.replaceAll("[{}]", "").trim();
    if (body.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    double total = 0;
    for (String kv : body.split(", ")) {
      String[] p = kv.split("=");
      double v = Long.parseLong(p[1]) / (double) n;
      total += v;
      if (v >= 0.05) {
        parts.add(String.format("%s %.1f", p[0], v));
      }
    }
    return String.format("%.1f (%s)", total, String.join(", ", parts));
  }

  private static Path startBaseline(Path work) throws IOException, InterruptedException {
    Path src =
        Path.of(
            System.getProperty("replicafs.shared", "../shared"),
            "bench/fuse-baseline/passthrough.c");
    if (!Files.exists(src)) {
      System.out.println("# baseline skipped: " + src + " not found (set -Dreplicafs.shared)");
      return null;
    }
    Path bin = work.resolve("passthrough");
    Process cc =
        new ProcessBuilder("gcc", "-O2", "-o", bin.toString(), src.toString(), "-l:libfuse.so.2")
            .inheritIO()
            .start();
    if (cc.waitFor() != 0) {
      System.out.println("# baseline skipped: gcc failed");
      return null;
    }
    Path back = work.resolve("pt-back");
    Path mnt = work.resolve("pt-mnt");
    Files.createDirectories(back);
    Files.createDirectories(mnt);
    ProcessBuilder pb =
        new ProcessBuilder(bin.toString(), mnt.toString(), "-o", "default_permissions").inheritIO();
    pb.environment().put("PT_ROOT", back.toString());
    pb.environment().put("PT_LOCK", "1");
    pb.start().waitFor(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (MountTable.find(mnt).isEmpty()) {
      if (System.nanoTime() > deadline) {
        System.out.println("# baseline skipped: did not mount");
        return null;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
    return mnt;
  }

  private static void print(Map<String, Map<Mode, Result>> results, Map<Mode, String> requests) {
    System.out.println();
    System.out.println(
        "| mode | raw disk | C baseline + locks | jnr-fuse passthrough | ReplicaFS | ReplicaFS / baseline"
            + " | FUSE requests per tx (ReplicaFS) |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Mode m : MODES) {
      Result raw = results.get("raw").get(m);
      Result rfs = results.get("replicafs").get(m);
      Result jnr = results.get("jnr-passthrough").get(m);
      Result base =
          results.containsKey("baseline+locks") ? results.get("baseline+locks").get(m) : null;
      System.out.printf(
          "| %s | %.0f | %s | %.0f (p50 %.2f ms) | %.0f (p50 %.2f ms) | %s | %s |%n",
          m,
          raw.txPerSec(),
          base == null ? "-" : String.format("%.0f (p50 %.2f ms)", base.txPerSec(), base.p50Ms()),
          jnr.txPerSec(),
          jnr.p50Ms(),
          rfs.txPerSec(),
          rfs.p50Ms(),
          base == null ? "-" : String.format("%.2f", rfs.txPerSec() / base.txPerSec()),
          requests.get(m));
    }
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
