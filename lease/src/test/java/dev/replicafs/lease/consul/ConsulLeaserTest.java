package dev.replicafs.lease.consul;

import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.LeaserContract;
import dev.replicafs.lease.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contract against the real Consul agent at {@code CONSUL_HTTP_ADDR} (e.g. {@code
 * 127.0.0.1:8500}, or a full URL), with {@code CONSUL_HTTP_TOKEN} as the ACL token when set.
 * Without the variable the whole class is reported as disabled, never as passed. Each test uses a
 * fresh key prefix in the URL path, as Fly's {@code FLY_CONSUL_URL} does. TTL 10 s (Consul's
 * minimum).
 */
@EnabledIfEnvironmentVariable(named = "CONSUL_HTTP_ADDR", matches = ".+")
class ConsulLeaserTest extends LeaserContract {

  private static final Duration TTL = Duration.ofSeconds(10);
  private String prefix;

  @BeforeEach
  void freshPrefix() {
    prefix = "replicafs-test-" + UUID.randomUUID();
  }

  private static URI agent() {
    String address = System.getenv("CONSUL_HTTP_ADDR");
    return URI.create(address.contains("://") ? address : "http://" + address);
  }

  private String url(URI agent) {
    String token = System.getenv("CONSUL_HTTP_TOKEN");
    String userInfo = token == null || token.isEmpty() ? "" : ":" + token + "@";
    return agent.getScheme()
        + "://"
        + userInfo
        + agent.getHost()
        + ":"
        + agent.getPort()
        + "/"
        + prefix;
  }

  private ConsulConfig config(URI agent) {
    return new ConsulConfig(url(agent), "primary", TTL, Duration.ofSeconds(1));
  }

  @Override
  protected Leaser newCandidate(String hostname) {
    return new ConsulLeaser(config(agent()), info(hostname), true, clock);
  }

  @Override
  protected Leaser newNonCandidate(String hostname) {
    return new ConsulLeaser(config(agent()), info(hostname), false, clock);
  }

  @Override
  protected boolean coordinated() {
    return true;
  }

  @Override
  protected PartitionableLeaser newPartitionableCandidate(String hostname) throws Exception {
    URI agent = agent();
    TcpProxy proxy = track(TcpProxy.start(agent.getHost(), agent.getPort()));
    URI proxied = URI.create(agent.getScheme() + "://127.0.0.1:" + proxy.port());
    return new PartitionableLeaser(
        new ConsulLeaser(config(proxied), info(hostname), true, clock), proxy::partition);
  }

  @Override
  protected Duration ttl() {
    return TTL;
  }
}
