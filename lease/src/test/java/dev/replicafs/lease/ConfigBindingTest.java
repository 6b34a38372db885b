package dev.replicafs.lease;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicafs.lease.consul.ConsulConfig;
import dev.replicafs.lease.etcd.EtcdConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The config records bind from the LiteFS-style key names (kebab-case), and missing keys take the
 * defaults; durations are parsed by the config loader in {@code cmd}, so they are absent here.
 */
class ConfigBindingTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void etcdSectionBindsKebabCaseKeysAndDefaultsTheRest() throws Exception {
    EtcdConfig config =
        json.readValue(
            "{\"endpoints\":[\"https://e1:2379\",\"https://e2:2379\"],\"key\":\"/app/primary\","
                + "\"username\":\"u\",\"password\":\"p\",\"ca-file\":\"/ca.pem\","
                + "\"cert-file\":\"/c.pem\",\"key-file\":\"/k.pem\"}",
            EtcdConfig.class);

    assertThat(config.endpoints()).containsExactly("https://e1:2379", "https://e2:2379");
    assertThat(config.caFile()).isEqualTo("/ca.pem");
    assertThat(config.certFile()).isEqualTo("/c.pem");
    assertThat(config.keyFile()).isEqualTo("/k.pem");
    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.tls()).isTrue();
  }

  @Test
  void consulSectionBindsLiteFsKeys() throws Exception {
    ConsulConfig config =
        json.readValue(
            "{\"url\":\"https://:tok@consul:8501/pre\",\"key\":\"app/primary\"}",
            ConsulConfig.class);

    assertThat(config.fullKey()).isEqualTo("pre/app/primary");
    assertThat(config.parsedUrl().token()).contains("tok");
    assertThat(config.lockDelay()).isEqualTo(Duration.ofSeconds(1));
  }
}
