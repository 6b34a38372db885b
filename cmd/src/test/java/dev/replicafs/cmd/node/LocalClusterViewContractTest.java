package dev.replicafs.cmd.node;

import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.proxy.ClusterView;
import dev.replicafs.proxy.ClusterViewContract;
import dev.replicafs.replication.ltx.LtxEncoder;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.store.StoreOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy's {@link ClusterViewContract} against the real {@link LocalClusterView}: a real store
 * (replica) whose TXIDs advance by applying snapshot LTX files of a real SQLite database, so {@code
 * awaitTxid} is completed by the store's position listener; the role comes from a settable {@link
 * RoleSource}.
 */
class LocalClusterViewContractTest extends ClusterViewContract {
  @TempDir Path dir;

  private final List<Store> stores = new ArrayList<>();
  private final Map<ClusterView, Node> nodes = new IdentityHashMap<>();

  /** A role source the test sets. */
  private static final class Roles implements RoleSource {
    volatile boolean primary;
    volatile Optional<PrimaryInfo> known = Optional.empty();

    @Override
    public boolean isPrimary() {
      return primary;
    }

    @Override
    public Optional<PrimaryInfo> knownPrimary() {
      return primary ? Optional.of(new PrimaryInfo("self", "http://127.0.0.1:20202")) : known;
    }

    @Override
    public Optional<Duration> lag() {
      return Optional.of(Duration.ZERO);
    }
  }

  private record Node(Store store, Roles roles, LocalClusterView view) {}

  @Override
  protected ClusterView newView() throws Exception {
    Store store = Store.open(StoreOptions.defaults(dir.resolve("data-" + stores.size())));
    stores.add(store);
    Roles roles = new Roles();
    // OTHER's proxy is http://127.0.0.1:1: same host as its API, this node's proxy port.
    LocalClusterView view = new LocalClusterView(store, roles, OTHER.proxyUrl().getPort());
    store.addListener(view);
    nodes.put(view, new Node(store, roles, view));
    return view;
  }

  @Override
  protected void becomePrimary(ClusterView view) {
    Node n = nodes.get(view);
    n.roles().primary = true;
    n.view().roleChanged();
  }

  @Override
  protected void followOther(ClusterView view) {
    Node n = nodes.get(view);
    n.roles().known =
        Optional.of(
            new PrimaryInfo(OTHER.hostname(), "http://" + OTHER.proxyUrl().getHost() + ":20202"));
    n.view().roleChanged();
  }

  @Override
  protected void advanceTxid(ClusterView view, String db, long txid) throws Exception {
    Store store = nodes.get(view).store();
    Db target = store.db(db).isPresent() ? store.db(db).get() : store.create(db);
    target.apply(new ByteArrayInputStream(snapshot(txid)));
  }

  /** A snapshot LTX file at {@code txid} of a small real SQLite database. */
  private byte[] snapshot(long txid) throws Exception {
    Path file = dir.resolve("source.db");
    if (!Files.exists(file)) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement s = c.createStatement()) {
        s.execute("PRAGMA page_size = 4096");
        s.execute("CREATE TABLE t (x)");
        s.execute("INSERT INTO t VALUES (1)");
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    int pageSize = 4096;
    long pages = bytes.length / pageSize;
    LtxHeader header =
        LtxHeader.builder(pageSize, pages, 1, txid).timestamp(System.currentTimeMillis()).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxEncoder enc = LtxEncoder.open(out, header);
    for (long p = 1; p <= pages; p++) {
      enc.writePage(p, bytes, (int) ((p - 1) * pageSize), pageSize);
    }
    enc.finish();
    return out.toByteArray();
  }

  @AfterEach
  void closeStores() throws Exception {
    for (Store s : stores) {
      s.close();
    }
  }
}
