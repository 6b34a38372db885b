package dev.replicafs.cmd.node;

import dev.replicafs.cmd.CliException;
import dev.replicafs.cmd.config.Config;
import dev.replicafs.cmd.config.HttpSecurity;
import dev.replicafs.cmd.config.ReplicationConfig;
import dev.replicafs.cmd.config.SyncMode;
import dev.replicafs.fuse.MountInvalidator;
import dev.replicafs.fuse.MountOptions;
import dev.replicafs.fuse.ReplicaMount;
import dev.replicafs.proxy.ProxyServer;
import dev.replicafs.replication.http.NodeServer;
import dev.replicafs.replication.replica.ReplicaOptions;
import dev.replicafs.replication.store.FatalHandler;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.store.StoreOptions;
import dev.replicafs.replication.sync.SyncOptions;
import dev.replicafs.replication.sync.SyncReplication;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a node's parts in order (store on data.dir; node API on http.addr and the role machine
 * joining the cluster through the lease; FUSE on fuse.dir; later the proxy) and registers each with
 * {@link Resources} so they close in reverse. Every failure becomes a {@link CliException} whose
 * message names the setting to fix.
 */
final class NodeStartup {
  private static final Logger log = LoggerFactory.getLogger(NodeStartup.class);
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(10);

  private final Config config;
  private final Clock clock;
  private final Resources parts;
  private final StopSignal stop;
  private Store store;
  private Roles roles;
  private final Optional<SyncReplication> sync;

  NodeStartup(Config config, Clock clock, Resources parts, StopSignal stop) {
    this.config = config;
    this.clock = clock;
    this.parts = parts;
    this.stop = stop;
    this.sync = syncReplication(config.replication());
  }

  /** {@code replication.sync}: the store's commit gate when not {@code none}. */
  private static Optional<SyncReplication> syncReplication(ReplicationConfig c) {
    if (c.sync() == SyncMode.NONE) {
      return Optional.empty();
    }
    return Optional.of(
        new SyncReplication(
            new SyncOptions(
                SyncOptions.Mode.valueOf(c.sync().name()),
                c.syncTimeout(),
                SyncOptions.Fallback.valueOf(c.syncFallback().name()))));
  }

  Roles roles() {
    return roles;
  }

  void openAndMount() throws IOException {
    Path data = config.data().dir().toAbsolutePath().normalize();
    Path mnt = config.fuse().dir().toAbsolutePath().normalize();
    FatalHandler fatal =
        (db, what, cause) -> {
          log.error("fatal error, stopping the node db={} what=\"{}\"", db, what, cause);
          stop.stop("fatal error on " + db + ": " + what, true);
        };
    MountInvalidator invalidator = new MountInvalidator(mnt, fatal);
    long t = System.nanoTime();
    openStore(data, invalidator, fatal);
    t = phase("store", t);
    roles = join();
    roles.haltTtl(config.halt().ttl());
    t = phase("node-api-and-lease", t);
    mount(mnt, invalidator);
    phase("fuse", t);
  }

  private static long phase(String name, long since) {
    long now = System.nanoTime();
    log.info("startup phase={} ms={}", name, (now - since) / 1_000_000);
    return now;
  }

  private void openStore(Path data, MountInvalidator invalidator, FatalHandler fatal) {
    try {
      Files.createDirectories(data);
      long id = NodeIdentity.load(data);
      StoreOptions options =
          new StoreOptions(
              data,
              config.data().compress(),
              config.data().retention(),
              config.data().retentionMaxBytes(),
              id);
      Store.Builder builder =
          Store.builder(options)
              .invalidator(invalidator)
              .fatalHandler(fatal)
              .namingInterval(config.data().ltxInterval());
      sync.ifPresent(builder::commitGate);
      store = parts.add("store", builder.open());
    } catch (IOException | RuntimeException e) {
      throw new CliException(
          "cannot open data.dir " + data + ": " + message(e) + " (check data.dir in the config)",
          e);
    }
    Duration interval = config.data().retentionMonitorInterval();
    if (!interval.isZero()) {
      ScheduledExecutorService retention =
          Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "replicafs-retention"));
      parts.add("retention-executor", retention::shutdownNow);
      parts.add("retention", store.scheduleRetention(retention, interval));
    }
  }

  private Roles join() {
    long id = store.options().nodeId();
    ReplicaOptions replica =
        ReplicaOptions.defaults()
            .withReconnectDelay(max(config.lease().reconnectDelay(), MIN_RECONNECT_DELAY))
            .withDatabases(new HashSet<>(config.lease().databases()));
    NodeServer.Options server =
        new NodeServer.Options(
                config.http().host(),
                config.http().port(),
                id,
                config.lease().candidate(),
                HEARTBEAT)
            .withSecurity(HttpSecurity.of(config.http()));
    try {
      return parts.add("lease", Roles.join(config.lease(), store, server, replica, sync));
    } catch (CliException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CliException(
          "cannot listen on http.addr " + config.http().addr() + ": " + message(e), e);
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private void mount(Path mnt, MountInvalidator invalidator) {
    try {
      if (!Files.isDirectory(mnt)) {
        try {
          Files.createDirectories(mnt);
        } catch (FileAlreadyExistsException stale) {
          log.info("fuse.dir exists but cannot be read, expecting a stale mount dir={}", mnt);
        }
      }
      ReplicaMount mount =
          ReplicaMount.mount(
              store,
              new RoleStatus(store, roles),
              MountOptions.defaults(mnt)
                  .withAllowOther(config.fuse().allowOther())
                  .withDebug(config.fuse().debug()),
              invalidator,
              clock);
      parts.add("fuse", mount);
      roles.addListener((previous, current) -> mount.roleChanged());
      mount.roleChanged();
    } catch (IOException | RuntimeException e) {
      throw new CliException(
          "cannot mount fuse.dir "
              + mnt
              + ": "
              + message(e)
              + " (is /dev/fuse present, fusermount installed and the directory empty?)",
          e);
    }
  }

  /** Starts the proxy when {@code proxy.target} is set. */
  void startProxy() {
    if (!config.proxy().enabled()) {
      return;
    }
    LocalClusterView proxyView =
        new LocalClusterView(store, roles, ProxySettings.port(config.proxy()));
    store.addListener(proxyView);
    parts.add("proxy-view", () -> store.removeListener(proxyView));
    try {
      ProxyServer proxy = ProxyServer.start(ProxySettings.of(config.proxy()), proxyView);
      parts.add("proxy", proxy);
      log.info(
          "proxy listening addr={} target={} db={}",
          config.proxy().addr(),
          config.proxy().target(),
          config.proxy().db());
    } catch (RuntimeException e) {
      throw new CliException(
          "cannot start the proxy on proxy.addr " + config.proxy().addr() + ": " + message(e), e);
    }
  }

  private static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
