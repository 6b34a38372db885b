package dev.replicafs.cmd.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.replicafs.cmd.bench.SqlWorkloads.ReadResult;
import dev.replicafs.cmd.bench.SqlWorkloads.TxResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns a run's report tree into the comparison table (absolute figures and ratios, printed as
 * Markdown) and the JSON file; the table's rows are also added to the JSON under {@code table}.
 */
public final class Report {
  /** One compared figure: {@code NaN} where a target was not measured. */
  record Row(String metric, double raw, double baseline, double primary, double replica) {
    double vsRaw() {
      return primary / raw;
    }

    double vsBaseline() {
      return primary / baseline;
    }
  }

  private Report() {}

  /**
   * Prints the table and the other figures to {@code out}, and writes everything to {@code json}.
   */
  public static void write(Map<String, Object> report, PrintWriter out, Path json)
      throws IOException {
    List<Row> rows = rows(report);
    List<Map<String, Object>> table = new ArrayList<>();
    out.println();
    out.println(
        "| workload | raw disk | baseline | ReplicaFS primary | ReplicaFS replica | primary/raw | primary/baseline |");
    out.println("|---|---|---|---|---|---|---|");
    for (Row r : rows) {
      out.printf(
          "| %s | %s | %s | %s | %s | %s | %s |%n",
          r.metric(),
          num(r.raw()),
          num(r.baseline()),
          num(r.primary()),
          num(r.replica()),
          ratio(r.vsRaw()),
          ratio(r.vsBaseline()));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("metric", r.metric());
      m.put("raw", r.raw());
      m.put("baseline", r.baseline());
      m.put("replicafs-primary", r.primary());
      m.put("replicafs-replica", r.replica());
      m.put("primary-vs-raw", r.vsRaw());
      m.put("primary-vs-baseline", r.vsBaseline());
      table.add(m);
    }
    report.put("table", table);
    out.println();
    Object lag = report.get("lag");
    if (lag instanceof List<?> list) {
      for (Object o : list) {
        ClusterWorkloads.LagResult l = (ClusterWorkloads.LagResult) o;
        out.printf(
            "replication lag @%d tx/s (achieved %.0f tx/s, %d samples): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
            l.targetPerSecond(),
            l.achievedPerSecond(),
            l.samples(),
            l.p50Ms(),
            l.p99Ms(),
            l.maxMs());
      }
    }
    if (report.get("snapshot") instanceof ClusterWorkloads.SnapshotResult s) {
      out.printf(
          "snapshot bootstrap of %.0f MB: %.0f MB/s; store open after it: %.0f ms%n",
          s.bytes() / 1e6, s.bootstrapMBs(), s.reopenMillis());
    }
    out.println("memory after the run: " + report.get("memory"));
    Object targets = report.get("targets");
    if (targets instanceof Map<?, ?> t && t.get("replicafs") instanceof Map<?, ?> rfs) {
      out.println("FUSE requests per transaction (primary): " + rfs.get("fuse-requests-per-tx"));
    }
    out.println("JSON: " + json);
    out.flush();
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .findAndRegisterModules()
        .writeValue(json.toFile(), report);
  }

  @SuppressWarnings("unchecked")
  static List<Row> rows(Map<String, Object> report) {
    Map<String, Map<String, Object>> t = (Map<String, Map<String, Object>>) report.get("targets");
    List<Row> rows = new ArrayList<>();
    for (SqlWorkloads.Mode m : BenchRun.MODES) {
      rows.add(
          row(
              t,
              m + " single-row tx/s",
              x -> ((Map<String, TxResult>) x.get("single-row")).get(m.toString()).perSecond()));
      rows.add(
          row(
              t,
              m + " p50 ms",
              x -> ((Map<String, TxResult>) x.get("single-row")).get(m.toString()).p50Ms()));
      rows.add(
          row(
              t,
              m + " p99 ms",
              x -> ((Map<String, TxResult>) x.get("single-row")).get(m.toString()).p99Ms()));
    }
    rows.add(row(t, "batched inserts rows/s", x -> ((TxResult) x.get("batched")).perSecond()));
    rows.add(row(t, "point reads/s, cold", x -> ((ReadResult) x.get("reads")).coldPerSecond()));
    rows.add(row(t, "point reads/s, warm", x -> ((ReadResult) x.get("reads")).warmPerSecond()));
    rows.add(row(t, "full scan MB/s, cold", x -> ((ReadResult) x.get("reads")).scanColdMBs()));
    rows.add(row(t, "full scan MB/s, warm", x -> ((ReadResult) x.get("reads")).scanWarmMBs()));
    return rows;
  }

  private static Row row(
      Map<String, Map<String, Object>> t, String metric, ToDoubleFunction<Map<String, Object>> f) {
    return new Row(
        metric,
        value(t.get("raw"), f),
        value(t.get("baseline"), f),
        value(t.get("replicafs"), f),
        value(t.get("replicafs-replica"), f));
  }

  private static double value(Map<String, Object> target, ToDoubleFunction<Map<String, Object>> f) {
    if (target == null) {
      return Double.NaN;
    }
    try {
      return f.applyAsDouble(target);
    } catch (NullPointerException | ClassCastException e) {
      return Double.NaN;
    }
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
  }

  private static String ratio(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format("%.2f", v);
  }
}
