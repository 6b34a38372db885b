package dev.replicafs.fuse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived {@code sqlite3} CLI process (a separate process, as an application would be), fed
 * statements on stdin. Each {@link #run} returns the output lines, errors included.
 */
final class SqliteShell implements AutoCloseable {
  private static final String END = "--end-of-output--";
  private final Process process;
  private final PrintWriter in;
  private final BufferedReader out;

  SqliteShell(Path db) throws IOException {
    process =
        new ProcessBuilder("sqlite3", "-batch", db.toString()).redirectErrorStream(true).start();
    in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    run(".bail off");
  }

  /** Runs statements (one or more, each ending in ';') and returns every line printed. */
  List<String> run(String sql) throws IOException {
    in.println(sql);
    in.println(".print " + END);
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null && !line.equals(END)) {
      lines.add(line);
    }
    if (line == null) {
      throw new IOException("sqlite3 exited; output so far: " + lines);
    }
    return lines;
  }

  /** Runs a query returning one value. */
  String value(String sql) throws IOException {
    List<String> lines = run(sql);
    if (lines.size() != 1) {
      throw new IOException("expected one line from " + sql + ", got " + lines);
    }
    return lines.get(0);
  }

  @Override
  public void close() throws IOException {
    in.println(".quit");
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
