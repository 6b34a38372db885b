package dev.replicafs.proxy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A primary and a replica on loopback, each a real {@link TestApp} behind a real {@link
 * ProxyServer}, wired by {@link FakeClusterView}s: the primary's view follows its app's commits;
 * the replica's TXID is advanced by the test (simulating replication lag).
 */
final class ProxyCluster implements AutoCloseable {

  static final String DB = "app.db";
  static final String PRIMARY_HOST = "primary-host";

  /** One node: its view, app and proxy. */
  record Node(String name, FakeClusterView view, TestApp app, ProxyServer proxy)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      proxy.close();
      app.close();
    }

    URI url(String pathAndQuery) {
      return URI.create("http://127.0.0.1:" + proxy.port() + pathAndQuery);
    }

    URI baseUrl() {
      return URI.create("http://127.0.0.1:" + proxy.port());
    }
  }

  final Node primary;
  final Node replica;

  private ProxyCluster(Node primary, Node replica) {
    this.primary = primary;
    this.replica = replica;
  }

  /** Starts both nodes; {@code tune} adjusts each node's config (test timeouts, patterns). */
  static ProxyCluster start(Path dir, UnaryOperator<ProxyConfig.Builder> tune) throws Exception {
    FakeClusterView primaryView = new FakeClusterView(Leadership.LOCAL);
    Node primary = startNode("primary", dir, primaryView, tune);
    FakeClusterView replicaView =
        new FakeClusterView(
            new Leadership.Remote(new PrimaryInfo(PRIMARY_HOST, primary.baseUrl())));
    Node replica = startNode("replica", dir, replicaView, tune);
    return new ProxyCluster(primary, replica);
  }

  static Node startNode(
      String name, Path dir, FakeClusterView view, UnaryOperator<ProxyConfig.Builder> tune)
      throws Exception {
    TestApp app =
        new TestApp(name, dir.resolve(name + ".db"), 0, txid -> view.setTxid(DB, txid)).start();
    view.setTxid(DB, 0);
    ProxyConfig config = tune.apply(testDefaults("127.0.0.1:" + app.port())).build();
    return new Node(name, view, app, ProxyServer.start(config, view));
  }

  /** Test defaults: loopback, port 0, short waits so failure cases finish quickly. */
  static ProxyConfig.Builder testDefaults(String target) {
    return ProxyConfig.builder("127.0.0.1:0", target, DB)
        .primaryRedirectTimeout(Duration.ofSeconds(1))
        .txidWaitTimeout(Duration.ofSeconds(2))
        .connectRetryTimeout(Duration.ofSeconds(2));
  }

  @Override
  public void close() throws Exception {
    replica.close();
    primary.close();
  }
}
