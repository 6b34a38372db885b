package dev.replicafs.lease.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.lease.ClusterId;
import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseUnavailableException;
import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.PrimaryInfo;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credentials and TLS settings of {@code lease.etcd}, against real etcd servers. */
class EtcdSecurityTest {

  private static final PrimaryInfo SELF = new PrimaryInfo("node-a", "http://node-a:20202");

  @Test
  void usernameAndPasswordAuthenticateAgainstAnEtcdWithAuthEnabled() throws Exception {
    try (EtcdProcess etcd = EtcdProcess.start()) {
      enableAuth(etcd.endpoint(), "s3cret");
      EtcdConfig good =
          new EtcdConfig(
              List.of(etcd.endpoint()),
              "/sec/primary",
              Duration.ofSeconds(2),
              null,
              "root",
              "s3cret",
              null,
              null,
              null);
      EtcdConfig bad =
          new EtcdConfig(
              List.of(etcd.endpoint()),
              "/sec/primary",
              Duration.ofSeconds(2),
              Duration.ofSeconds(3),
              "root",
              "wrong",
              null,
              null,
              null);

      try (EtcdLeaser leaser = new EtcdLeaser(good, SELF, true, MonotonicClock.system());
          Lease lease = leaser.acquire()) {
        lease.renew();
        leaser.setClusterId(ClusterId.generate(new SplittableRandom(3)));
        assertThat(leaser.primaryInfo()).isEqualTo(SELF);
        assertThat(leaser.clusterId()).isPresent();
      }
      try (EtcdLeaser leaser = new EtcdLeaser(bad, SELF, true, MonotonicClock.system())) {
        assertThatThrownBy(leaser::acquire)
            .isInstanceOf(LeaseUnavailableException.class)
            .hasMessageContaining(etcd.endpoint());
      }
    }
  }

  @Test
  void mutualTlsWithCaCertAndKeyFiles(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    List<String> tls =
        List.of(
            "--cert-file=" + certs.serverCert(),
            "--key-file=" + certs.serverKey(),
            "--trusted-ca-file=" + certs.ca(),
            "--client-cert-auth");
    try (EtcdProcess etcd = EtcdProcess.start(true, tls)) {
      assertThat(etcd.endpoint()).startsWith("https://");
      EtcdConfig withCert =
          new EtcdConfig(
              List.of(etcd.endpoint()),
              "/tls/primary",
              Duration.ofSeconds(2),
              null,
              null,
              null,
              certs.ca().toString(),
              certs.clientCert().toString(),
              certs.clientKey().toString());
      EtcdConfig withoutCert =
          new EtcdConfig(
              List.of(etcd.endpoint()),
              "/tls/primary",
              Duration.ofSeconds(2),
              Duration.ofSeconds(3),
              null,
              null,
              certs.ca().toString(),
              null,
              null);

      try (EtcdLeaser leaser = new EtcdLeaser(withCert, SELF, true, MonotonicClock.system());
          Lease lease = leaser.acquire()) {
        lease.renew();
        assertThat(leaser.primaryInfo()).isEqualTo(SELF);
      }
      try (EtcdLeaser leaser = new EtcdLeaser(withoutCert, SELF, true, MonotonicClock.system())) {
        assertThatThrownBy(leaser::primaryInfo).isInstanceOf(LeaseUnavailableException.class);
      }
    }
  }

  private static void enableAuth(String endpoint, String password) throws Exception {
    try (Client admin = Client.builder().endpoints(endpoint).build()) {
      ByteSequence root = ByteSequence.from("root", StandardCharsets.UTF_8);
      admin
          .getAuthClient()
          .userAdd(root, ByteSequence.from(password, StandardCharsets.UTF_8))
          .get(10, TimeUnit.SECONDS);
      admin.getAuthClient().userGrantRole(root, root).get(10, TimeUnit.SECONDS);
      admin.getAuthClient().authEnable().get(10, TimeUnit.SECONDS);
    }
  }
}
