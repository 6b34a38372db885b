package dev.replicafs.fuse;

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
import java.time.Duration;
import java.util.Optional;

/**
 * A whole node in its own process for the halt-lock tests: store, node API server ({@link
 * ReplicationNode} on loopback) and FUSE mount. {@code HaltChildNode <data> <mnt> <nodeId>} mounts,
 * prints {@code ready} and obeys one command per stdin line, answering {@code ok ...}:
 *
 * <pre>
 *   url                   the node API URL
 *   primary               becomePrimary()
 *   replica URL           becomeReplica(URL)
 *   ttl MILLIS            halt.ttl of the halts this node grants
 *   holder DB             the node holding the halt on DB, or -
 *   pos DB                DB's position, or -
 *   quit                  unmount and exit
 * </pre>
 */
public final class HaltChildNode {
  private HaltChildNode() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path mnt = Path.of(args[1]);
    long nodeId = Long.parseLong(args[2]);
    Files.createDirectories(data);
    if (MountTable.find(mnt).isEmpty()) {
      Files.createDirectories(mnt);
    }
    FatalHandler fatal =
        (db, what, cause) -> {
          System.err.println("fatal db=" + db + " what=" + what + " cause=" + cause);
          Runtime.getRuntime().halt(99);
        };
    MountInvalidator invalidator = ExperimentSettings.invalidator(mnt.toAbsolutePath(), fatal);
    ReplicaOptions ro = ReplicaOptions.defaults().withReconnectDelay(Duration.ofMillis(50));
    try (Store store =
            Store.builder(StoreOptions.defaults(data).withNodeId(nodeId))
                .invalidator(invalidator)
                .fatalHandler(fatal)
                .checksumThreads(1)
                .open();
        ReplicationNode node =
            new ReplicationNode(
                store,
                NodeServer.Options.loopback(nodeId),
                ro,
                "node-" + nodeId,
                Optional.empty(),
                Clock.systemUTC())) {
      TestStatus status = new TestStatus(store);
      try (ReplicaMount mount =
          ReplicaMount.mount(
              store,
              status,
              MountOptions.defaults(mnt).withAutoUnmount(true),
              invalidator,
              Clock.systemUTC())) {
        System.out.println("ready");
        System.out.flush();
        serve(store, node, mount, status, System.out);
      }
    }
  }

  private static void serve(
      Store store, ReplicationNode node, ReplicaMount mount, TestStatus status, PrintStream out)
      throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.trim().split(" ");
      String answer = "";
      switch (w[0]) {
        case "url" -> answer = node.server().url().toString();
        case "primary" -> {
          node.becomePrimary();
          mount.roleChanged();
        }
        case "replica" -> {
          node.becomeReplica(new PrimaryInfo("primary", w[1]));
          status.primaryHost = "primary";
          mount.roleChanged();
        }
        case "ttl" -> node.server().halts().ttl(Duration.ofMillis(Long.parseLong(w[1])));
        case "holder" -> answer = node.server().halts().holder(w[1]).orElse("-");
        case "pos" -> answer = store.db(w[1]).map(d -> d.pos().format()).orElse("-");
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
