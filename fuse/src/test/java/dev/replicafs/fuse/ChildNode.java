package dev.replicafs.fuse;

import dev.replicafs.replication.store.FatalHandler;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.store.StoreOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A ReplicaFS node in its own process: {@code ChildNode <data> <mnt> <primary> <autoUnmount>}
 * mounts, prints {@code ready} and then obeys one command per stdin line, answering {@code ok ...}:
 *
 * <pre>
 *   primary true|false        set the store's role
 *   host NAME | host -        the connected primary's hostname (.primary), or none
 *   lag MILLIS | lag -        replication lag (.lag), or never synced
 *   apply DB LTXFILE          apply an LTX file (replica), answers the new position
 *   stats                     FUSE request counts since the last stats
 *   quit                      unmount and exit
 * </pre>
 *
 * Mount tests run SQLite in the test JVM and the node here, as in production: a process that maps a
 * file of a FUSE mount it serves itself can deadlock (a page fault on the WAL index holds the
 * address-space lock while libfuse needs it to start a worker thread).
 */
public final class ChildNode {
  private ChildNode() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path mnt = Path.of(args[1]);
    Files.createDirectories(data);
    if (MountTable.find(mnt).isEmpty()) {
      Files.createDirectories(mnt);
    }
    PrintStream out = System.out;
    FatalHandler fatal =
        (db, what, cause) -> {
          System.err.println("fatal db=" + db + " what=" + what + " cause=" + cause);
          Runtime.getRuntime().halt(99);
        };
    MountInvalidator invalidator = ExperimentSettings.invalidator(mnt.toAbsolutePath(), fatal);
    try (Store store =
        Store.builder(StoreOptions.defaults(data))
            .invalidator(invalidator)
            .fatalHandler(fatal)
            .commitGate(
                event -> {
                  if (failCommits) {
                    throw new dev.replicafs.replication.store.CommitNotConfirmedException(
                        "test gate refuses txid=" + event.pos().txid());
                  }
                })
            .primary(Boolean.parseBoolean(args[2]))
            .open()) {
      TestStatus status = new TestStatus(store);
      try (ReplicaMount mount =
          ReplicaMount.mount(
              store,
              status,
              MountOptions.defaults(mnt).withAutoUnmount(Boolean.parseBoolean(args[3])),
              invalidator,
              Clock.systemUTC())) {
        out.println("ready");
        out.flush();
        serve(store, status, mount, out);
      }
    }
  }

  /** {@code gate fail}: the commit gate refuses every commit (synchronous replication time-out). */
  private static volatile boolean failCommits;

  private static void serve(Store store, TestStatus status, ReplicaMount mount, PrintStream out)
      throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.trim().split(" ");
      String answer = "";
      switch (w[0]) {
        case "primary" -> {
          store.setPrimary(Boolean.parseBoolean(w[1]));
          mount.roleChanged();
        }
        case "gate" -> failCommits = w[1].equals("fail");
        case "host" -> status.primaryHost = w[1].equals("-") ? null : w[1];
        case "lag" -> status.lag = w[1].equals("-") ? null : Long.valueOf(w[1]);
        case "apply" -> {
          try (java.io.InputStream ltx = Files.newInputStream(Path.of(w[2]))) {
            answer = store.create(w[1]).apply(ltx).format();
          }
        }
        case "stats" -> {
          answer = mount.fileSystem().requests().snapshot().toString();
          mount.fileSystem().requests().reset();
        }
        case "quit" -> {
          out.println("ok");
          return;
        }
        default -> answer = "unknown command " + w[0];
      }
      out.println("ok " + answer);
      out.flush();
    }
  }
}
