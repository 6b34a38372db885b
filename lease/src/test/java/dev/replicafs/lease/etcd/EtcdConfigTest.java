package dev.replicafs.lease.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdConfigTest {

  @Test
  void defaultsApplyToMissingKeys() {
    EtcdConfig config =
        new EtcdConfig(null, "/app/primary", null, null, null, null, null, null, null);

    assertThat(config.endpoints()).containsExactly("http://127.0.0.1:2379");
    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.clusterIdKey()).isEqualTo("/app/primary/clusterid");
    assertThat(config.tls()).isFalse();
  }

  @Test
  void invalidSettingsNameTheKeyToFix() {
    assertThatThrownBy(() -> EtcdConfig.of(null, " ", null))
        .hasMessageContaining("must specify an etcd key (lease.etcd.key)");
    assertThatThrownBy(() -> EtcdConfig.of(List.of("127.0.0.1:2379"), "/k", null))
        .hasMessageContaining("lease.etcd.endpoints");
    assertThatThrownBy(() -> EtcdConfig.of(null, "/k", Duration.ofMillis(1500)))
        .hasMessageContaining("lease.etcd.ttl");
    assertThatThrownBy(() -> new EtcdConfig(null, "/k", null, null, "root", "", null, null, null))
        .hasMessageContaining("lease.etcd.username and lease.etcd.password");
    assertThatThrownBy(
            () -> new EtcdConfig(null, "/k", null, null, null, null, null, "c.pem", null))
        .hasMessageContaining("lease.etcd.cert-file and lease.etcd.key-file");
    assertThatThrownBy(() -> EtcdConfig.of(null, "/k/", null)).hasMessageContaining("'/'");
  }

  @Test
  void httpsEndpointsOrCaFileTurnOnTls() {
    assertThat(EtcdConfig.of(List.of("https://etcd:2379"), "/k", null).tls()).isTrue();
    assertThat(new EtcdConfig(null, "/k", null, null, null, null, "/etc/ca.pem", null, null).tls())
        .isTrue();
  }

  @Test
  void toStringHidesThePassword() {
    EtcdConfig config = new EtcdConfig(null, "/k", null, null, "root", "hunter2", null, null, null);

    assertThat(config.toString()).doesNotContain("hunter2").contains("root");
  }
}
