package dev.replicafs.cmd.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replicafs.cmd.CliException;
import dev.replicafs.cmd.Requests;
import dev.replicafs.cmd.config.ExecEntry;
import dev.replicafs.cmd.exec.ExecSupervisor;
import dev.replicafs.cmd.exec.ShellWords;
import dev.replicafs.cmd.halt.HaltLockRunner;
import dev.replicafs.cmd.transfer.Progress;
import dev.replicafs.replication.http.NodeApiException;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.http.NodeSecurity;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * {@code replicafs run}, {@code export} and {@code import} over the node API ({@link NodeClient}):
 * every failure becomes one line naming the node and what to check. Every request carries the
 * request's {@link NodeSecurity} (cluster token, TLS), so they work against a node with {@code
 * http.token}.
 */
final class ApiCommands {
  /** The ID these short-lived clients present; not a node. */
  private static final long CLIENT_ID = 0;

  /** How long {@code run -promote} waits for the current primary to hand the lease over. */
  private static final java.time.Duration PROMOTE_TIMEOUT = java.time.Duration.ofSeconds(30);

  private final PrintWriter out;

  ApiCommands(PrintWriter out) {
    this.out = out;
  }

  int run(Requests.Run r) throws Exception {
    if (r.ifCandidate()) {
      JsonNode info = call(r.url(), () -> new NodeClient(r.url(), CLIENT_ID, r.security()).info());
      if (!info.path("candidate").asBoolean(false)) {
        out.println("node is not a candidate, skipping execution");
        out.flush();
        return 0;
      }
    }
    if (r.promote()) {
      call(
          r.url(),
          () -> {
            new NodeClient(r.url(), CLIENT_ID, r.security()).promote(PROMOTE_TIMEOUT);
            return null;
          });
      out.println("node is primary");
      out.flush();
    }
    if (r.haltLockOn() != null) {
      return HaltLockRunner.run(r.haltLockOn(), r.command());
    }
    try (ExecSupervisor exec =
        new ExecSupervisor(List.of(new ExecEntry(ShellWords.join(r.command()), false)), true)) {
      return exec.run();
    }
  }

  void export(Requests.Export r) throws Exception {
    Path target = r.path().toAbsolutePath();
    Path tmp = target.resolveSibling("." + target.getFileName() + ".replicafs-export.tmp");
    Progress progress =
        new Progress(r.name(), -1, out, Progress.stdoutIsTerminal(), Clock.systemUTC());
    try {
      try (OutputStream file = Files.newOutputStream(tmp);
          OutputStream counted = counting(file, progress)) {
        call(
            r.url(),
            () -> new NodeClient(r.url(), CLIENT_ID, r.security()).export(r.name(), counted));
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    progress.finish();
  }

  void importDatabase(Requests.Import r) throws Exception {
    URI url = primaryOf(r.url(), r.security());
    long size = Files.size(r.path());
    Progress progress =
        new Progress(r.name(), size, out, Progress.stdoutIsTerminal(), Clock.systemUTC());
    call(
        url, () -> new NodeClient(url, CLIENT_ID, r.security()).importDatabase(r.name(), r.path()));
    progress.advance(size);
    progress.finish();
  }

  /** The primary's API URL as the node at {@code url} knows it (imports go to the primary). */
  private static URI primaryOf(URI url, NodeSecurity security) throws Exception {
    JsonNode info = call(url, () -> new NodeClient(url, CLIENT_ID, security).info());
    if (info.path("isPrimary").asBoolean(false)) {
      return url;
    }
    String primary = info.path("primary").path("advertiseURL").asText("");
    if (primary.isEmpty()) {
      throw new CliException(
          "the node at " + url + " knows no primary yet: retry once the cluster has one");
    }
    return URI.create(primary);
  }

  private interface Call<T> {
    T call() throws IOException, InterruptedException;
  }

  private static <T> T call(URI url, Call<T> call) throws Exception {
    try {
      return call.call();
    } catch (ConnectException e) {
      throw new CliException(
          "cannot reach the node at " + url + ": is replicafs mount running there? (-url)", e);
    } catch (NodeApiException e) {
      String hint =
          e.status() == 401
              ? " (give the cluster token with -token-file PATH, -config PATH or $REPLICAFS_TOKEN)"
              : "";
      throw new CliException("the node at " + url + " refused: " + e.getMessage() + hint, e);
    } catch (IOException e) {
      throw new CliException("talking to the node at " + url + " failed: " + e, e);
    }
  }

  private static OutputStream counting(OutputStream out, Progress progress) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        progress.advance(len);
      }
    };
  }
}
