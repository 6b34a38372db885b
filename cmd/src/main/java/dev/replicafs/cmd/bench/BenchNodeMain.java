package dev.replicafs.cmd.bench;

import dev.replicafs.fuse.MountInvalidator;
import dev.replicafs.fuse.MountOptions;
import dev.replicafs.fuse.ReplicaMount;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.http.NodeServer;
import dev.replicafs.replication.node.ReplicationNode;
import dev.replicafs.replication.replica.ReplicaOptions;
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
import java.util.Optional;

/**
 * One ReplicaFS node of the benchmark, in its own JVM: {@code BenchNodeMain <data> <mnt> <id>
 * [<ltx-interval-nanos>]} opens the store, starts the node API on loopback, mounts, prints {@code
 * ready url=URL openMs=MS} and then obeys one command per stdin line, answering {@code ok ...}:
 *
 * <pre>
 *   primary            become the primary
 *   follow URL         become a replica of the node at URL
 *   pos DB             the database's TXID (0 if absent)
 *   events DB          "txid:nanos ..." of the positions DB reached since the last call
 *   stats              FUSE request counts since the last stats
 *   mem                "rss=BYTES heap=BYTES" (heap used after a full GC)
 *   quit               unmount and exit
 * </pre>
 *
 * The node runs apart from the SQLite workload because a process must not map files of a FUSE mount
 * it serves itself. It is the library composition a {@code replicafs mount} does, minus leases; the
 * bench can later launch {@code replicafs mount} instead. Its stdout is the command channel, so
 * everything else (logs) goes to stderr.
 */
public final class BenchNodeMain {
  private BenchNodeMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    System.setOut(System.err);
    Path data = Path.of(args[0]);
    Path mnt = Path.of(args[1]).toAbsolutePath();
    long id = Long.parseLong(args[2]);
    java.time.Duration ltxInterval =
        args.length > 3
            ? java.time.Duration.ofNanos(Long.parseLong(args[3]))
            : Store.DEFAULT_NAMING_INTERVAL;
    Files.createDirectories(data);
    Files.createDirectories(mnt);
    FatalHandler fatal =
        (db, what, cause) -> {
          System.err.println("fatal db=" + db + " what=" + what + " cause=" + cause);
          Runtime.getRuntime().halt(99);
        };
    MountInvalidator invalidator = new MountInvalidator(mnt, fatal);
    long t0 = System.nanoTime();
    try (Store store =
        Store.builder(StoreOptions.defaults(data).withNodeId(id))
            .invalidator(invalidator)
            .fatalHandler(fatal)
            .namingInterval(ltxInterval)
            .primary(false)
            .open()) {
      long openNanos = System.nanoTime() - t0;
      PositionLog positions = new PositionLog();
      store.addListener(positions);
      try (ReplicationNode node =
          new ReplicationNode(
              store,
              NodeServer.Options.loopback(id),
              ReplicaOptions.defaults(),
              "bench-node-" + id,
              Optional.empty(),
              Clock.systemUTC())) {
        NodeStatus status = new NodeStatus(store, node);
        try (ReplicaMount mount =
            ReplicaMount.mount(
                store,
                status,
                MountOptions.defaults(mnt).withAutoUnmount(true),
                invalidator,
                Clock.systemUTC())) {
          out.printf("ready url=%s openMs=%.1f%n", node.self().advertiseUrl(), openNanos / 1e6);
          out.flush();
          serve(store, node, mount, positions, out);
        }
      }
    }
  }

  private static void serve(
      Store store, ReplicationNode node, ReplicaMount mount, PositionLog positions, PrintStream out)
      throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.trim().split(" ");
      String answer = "";
      switch (w[0]) {
        case "primary" -> {
          node.becomePrimary();
          mount.roleChanged();
        }
        case "follow" -> {
          node.becomeReplica(new PrimaryInfo("bench-primary", w[1]));
          mount.roleChanged();
        }
        case "pos" ->
            answer = String.valueOf(store.db(w[1]).map(d -> d.committedPos().txid()).orElse(0L));
        case "events" -> answer = positions.drain(w[1]);
        case "stats" -> {
          answer = mount.fileSystem().requests().snapshot().toString();
          mount.fileSystem().requests().reset();
        }
        case "mem" -> answer = Memory.describe();
        case "cpu" -> answer = String.valueOf(ProcessCpu.nanos());
        case "quit" -> {
          out.println("ok");
          out.flush();
          return;
        }
        default -> answer = "unknown command " + w[0];
      }
      out.println("ok " + answer);
      out.flush();
    }
  }
}
