package dev.replicafs.lease.etcd;

import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.LeaserContract;
import dev.replicafs.lease.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract against a real etcd process on loopback, TTL 2 s, a fresh key per test. */
class EtcdLeaserTest extends LeaserContract {

  private static final Duration TTL = Duration.ofSeconds(2);
  private static EtcdProcess etcd;
  private String key;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdProcess.start();
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @BeforeEach
  void freshKey() {
    key = "/replicafs-test/" + UUID.randomUUID() + "/primary";
  }

  private EtcdConfig config(String endpoint) {
    return EtcdConfig.of(List.of(endpoint), key, TTL);
  }

  @Override
  protected Leaser newCandidate(String hostname) {
    return new EtcdLeaser(config(etcd.endpoint()), info(hostname), true, clock);
  }

  @Override
  protected Leaser newNonCandidate(String hostname) {
    return new EtcdLeaser(config(etcd.endpoint()), info(hostname), false, clock);
  }

  @Override
  protected boolean coordinated() {
    return true;
  }

  @Override
  protected PartitionableLeaser newPartitionableCandidate(String hostname) throws Exception {
    TcpProxy proxy = track(TcpProxy.start("127.0.0.1", etcd.clientPort()));
    Leaser leaser =
        new EtcdLeaser(config("http://127.0.0.1:" + proxy.port()), info(hostname), true, clock);
    return new PartitionableLeaser(leaser, proxy::partition);
  }

  @Override
  protected Duration ttl() {
    return TTL;
  }
}
