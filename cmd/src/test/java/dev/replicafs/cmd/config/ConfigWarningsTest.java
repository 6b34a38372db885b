package dev.replicafs.cmd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigWarningsTest {
  private static Config parse(String yaml) {
    return new ConfigLoader(new LoadContext(Map.of(), Path.of("/"), Path.of("/"), () -> "h"))
        .parse(Path.of("replicafs.yml"), yaml, false);
  }

  private static final String STATIC = "lease: {type: static, advertise-url: http://p:20202}\n";

  @Test
  void warnsWhenTheNodeApiIsExposedWithoutAToken() {
    assertThat(ConfigWarnings.of(parse(STATIC)))
        .singleElement()
        .asString()
        .contains("http.addr :20202 is reachable from other machines");
    assertThat(ConfigWarnings.of(parse(STATIC + "http: {addr: '127.0.0.1:20202'}\n"))).isEmpty();
    assertThat(ConfigWarnings.of(parse(STATIC + "http: {token: t}\n"))).isEmpty();
  }

  @Test
  void warnsWhenTlsIsOnButTheAdvertisedUrlIsPlainHttp() {
    String tls = "http: {token: t, tls: {cert-file: /c.pem, key-file: /k.pem}}\n";
    assertThat(ConfigWarnings.of(parse(STATIC + tls)))
        .singleElement()
        .asString()
        .contains("lease.advertise-url http://p:20202 is plain HTTP");
    assertThat(
            ConfigWarnings.of(
                parse("lease: {type: static, advertise-url: https://p:20202}\n" + tls)))
        .isEmpty();
  }

  @Test
  void warnsAboutSettingsThatDoNothing() {
    Config c =
        parse(
            "lease: {type: static, advertise-url: http://p:1, candidate: false, promote: true}\n"
                + "http: {addr: 'localhost:1'}\nbackup: {type: file, path: /b}\n");
    assertThat(ConfigWarnings.of(c))
        .containsExactly(
            "backup.type file is accepted for LiteFS compatibility but ReplicaFS has no backup"
                + " client: nothing is backed up",
            "lease.promote has no effect on a node with lease.candidate: false");
  }
}
