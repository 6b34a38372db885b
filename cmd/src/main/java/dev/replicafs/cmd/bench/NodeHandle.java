package dev.replicafs.cmd.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's handle on one {@link BenchNodeMain} child JVM (same classpath as this process).
 * Close asks it to quit (unmounting) and kills it if it does not within 30 s; idempotent.
 */
final class NodeHandle implements AutoCloseable {
  final Path data;
  final Path mount;
  final String url;
  final double openMillis;
  private final Process process;
  private final BufferedReader out;
  private final PrintWriter in;

  private NodeHandle(Path data, Path mount, Process process, BufferedReader out, String ready) {
    this.data = data;
    this.mount = mount;
    this.process = process;
    this.out = out;
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Map<String, String> kv = keyValues(ready.substring("ready".length()));
    this.url = kv.get("url");
    this.openMillis = Double.parseDouble(kv.get("openMs"));
  }

  /**
   * Starts a node on {@code data}, mounted at {@code mount}, and waits until it is mounted. {@code
   * {id}} in a JVM argument becomes the node id (e.g. one JFR file per node).
   */
  static NodeHandle start(Path data, Path mount, long id, NodeSettings settings)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The heap limit the packaged service uses (deploy/systemd: REPLICAFS_JAVA_OPTS=-Xmx512m), so
    // the RSS the bench reports is what a deployed node holds, not the JVM's default of a quarter
    // of the machine's memory filled with garbage. A -Xmx in -node-jvm-arg comes later and wins.
    cmd.add("-Xmx512m");
    for (String a : settings.jvmArgs()) {
      cmd.add(a.replace("{id}", String.valueOf(id)));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BenchNodeMain.class.getName());
    cmd.add(data.toString());
    cmd.add(mount.toString());
    cmd.add(String.valueOf(id));
    cmd.add(String.valueOf(settings.ltxInterval().toNanos()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    // A JVM option such as JFR may print to stdout before the node does: skip such lines.
    for (int skipped = 0;
        first != null && !first.startsWith("ready ") && skipped < 100;
        skipped++) {
      first = out.readLine();
    }
    if (first == null || !first.startsWith("ready ")) {
      p.destroyForcibly();
      throw new IOException("bench node did not start: first line " + first);
    }
    return new NodeHandle(data, mount, p, out, first);
  }

  /** Sends one command and returns the text after {@code ok}. */
  synchronized String command(String line) throws IOException {
    in.println(line);
    String answer = out.readLine();
    if (answer == null || !answer.startsWith("ok")) {
      throw new IOException("bench node answered " + answer + " to " + line);
    }
    return answer.substring(2).trim();
  }

  long txid(String db) throws IOException {
    return Long.parseLong(command("pos " + db));
  }

  /** TXID → nanoTime at which this node reached it, since the last call. */
  Map<Long, Long> events(String db) throws IOException {
    Map<Long, Long> m = new HashMap<>();
    String s = command("events " + db);
    if (!s.isEmpty()) {
      for (String e : s.split(" ")) {
        int i = e.indexOf(':');
        m.putIfAbsent(Long.parseLong(e.substring(0, i)), Long.parseLong(e.substring(i + 1)));
      }
    }
    return m;
  }

  /** FUSE requests since the last call, by operation. */
  Map<String, Long> requests() throws IOException {
    Map<String, Long> m = new HashMap<>();
    String body = command("stats").replaceAll("[{}]", "").trim();
    if (!body.isEmpty()) {
      for (String kv : body.split(", ")) {
        String[] p = kv.split("=");
        m.put(p[0], Long.parseLong(p[1]));
      }
    }
    return m;
  }

  /** CPU time (user and system) the node's process has used so far, in nanoseconds. */
  long cpuNanos() throws IOException {
    return Long.parseLong(command("cpu"));
  }

  /** Resident set and live heap in bytes, {@code [rss, heap]}. */
  long[] memory() throws IOException {
    Map<String, String> kv = keyValues(command("mem"));
    return new long[] {Long.parseLong(kv.get("rss")), Long.parseLong(kv.get("heap"))};
  }

  private static Map<String, String> keyValues(String s) {
    Map<String, String> m = new HashMap<>();
    for (String w : s.trim().split(" ")) {
      int i = w.indexOf('=');
      if (i > 0) {
        m.put(w.substring(0, i), w.substring(i + 1));
      }
    }
    return m;
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      command("quit");
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
