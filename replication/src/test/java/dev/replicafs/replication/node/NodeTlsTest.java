package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.lease.etcd.TestCertificates;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.http.NodeSecurity;
import dev.replicafs.replication.http.NodeTls;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.stream.PositionMap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the node API with a throw-away CA made by openssl: the stream and export over HTTPS, and
 * mutual TLS refusing clients without a certificate or with one from another CA.
 */
class NodeTlsTest {
  private static final String TOKEN = "tls-and-token";

  @TempDir Path tmp;
  private TestCertificates certs;

  @BeforeEach
  void certificates() throws Exception {
    certs = TestCertificates.create(Files.createDirectories(tmp.resolve("certs")));
  }

  @Test
  void streamAndExportRunOverTlsWithATestCa() throws Exception {
    NodeSecurity security = secure(false);
    try (TestNode primary = TestNode.open(tmp.resolve("p"), 0x1A, security);
        TestNode replica = TestNode.open(tmp.resolve("r"), 0x2B, security)) {
      assertThat(primary.node.server().url().getScheme()).isEqualTo("https");
      assertThat(primary.info().advertiseUrl()).startsWith("https://");
      primary.node.becomePrimary();
      write(primary, "app.db", 5);
      replica.node.becomeReplica(primary.info());
      ReplicationTest.awaitConverged(primary, "app.db", replica);

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new NodeClient(replica.node.server().url(), 0x77, security).export("app.db", out);
      assertThat(out.toByteArray()).isEqualTo(ReplicationTest.export(primary, "app.db", security));

      URI plain = URI.create(primary.node.server().url().toString().replace("https:", "http:"));
      assertThatThrownBy(() -> new NodeClient(plain, 0x77, security).info())
          .as("plain HTTP to the TLS port")
          .isInstanceOf(IOException.class);
      assertThatThrownBy(
              () ->
                  new NodeClient(primary.node.server().url(), 0x77, NodeSecurity.NONE)
                      .export("app.db", new ByteArrayOutputStream()))
          .as("a client that does not trust the test CA")
          .isInstanceOf(IOException.class)
          .hasMessageContaining("PKIX");
    }
  }

  @Test
  void mutualTlsRefusesClientsWithoutACertificateFromTheCa() throws Exception {
    NodeSecurity security = secure(true);
    try (TestNode primary = TestNode.open(tmp.resolve("p"), 0x1A, security);
        TestNode replica = TestNode.open(tmp.resolve("r"), 0x2B, security)) {
      primary.node.becomePrimary();
      write(primary, "app.db", 3);
      replica.node.becomeReplica(primary.info());
      ReplicationTest.awaitConverged(primary, "app.db", replica);

      URI url = primary.node.server().url();
      NodeSecurity noCert =
          NodeSecurity.NONE.withToken(TOKEN).withTls(NodeTls.trusting(certs.ca()));
      TestCertificates other =
          TestCertificates.create(Files.createDirectories(tmp.resolve("other")));
      NodeSecurity foreignCert =
          NodeSecurity.NONE
              .withToken(TOKEN)
              .withTls(
                  NodeTls.load(
                      other.clientCert(), other.clientKey(), Optional.of(certs.ca()), false));
      for (NodeSecurity refused : List.of(noCert, foreignCert)) {
        assertThatThrownBy(
                () ->
                    new NodeClient(url, 0x77, refused)
                        .export("app.db", new ByteArrayOutputStream()))
            .as(refused.toString())
            .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new NodeClient(url, 0x77, refused).info())
            .as("mTLS covers /info too")
            .isInstanceOf(IOException.class);
        // the stream has its own socket (StreamConnection): the same TLS checks apply to it
        assertThatThrownBy(
                () ->
                    new NodeClient(url, 0x77, refused)
                        .openStream(PositionMap.of(Map.of()), Set.of(), Optional.empty()))
            .as("mTLS covers /stream: " + refused)
            .isInstanceOf(IOException.class);
      }
      NodeSecurity untrusting =
          NodeSecurity.NONE
              .withToken(TOKEN)
              .withTls(
                  NodeTls.load(
                      certs.clientCert(), certs.clientKey(), Optional.of(other.ca()), false));
      assertThatThrownBy(
              () ->
                  new NodeClient(url, 0x77, untrusting)
                      .openStream(PositionMap.of(Map.of()), Set.of(), Optional.empty()))
          .as("a stream client that does not trust the server's CA")
          .isInstanceOf(IOException.class)
          .hasMessageContaining("PKIX");
      URI plain = URI.create(url.toString().replace("https:", "http:"));
      assertThatThrownBy(
              () ->
                  new NodeClient(plain, 0x77, clientCert(certs))
                      .openStream(PositionMap.of(Map.of()), Set.of(), Optional.empty()))
          .as("a plain HTTP stream to the TLS port")
          .isInstanceOf(IOException.class);
      try (InputStream body =
          new NodeClient(url, 0x77, clientCert(certs))
              .openStream(PositionMap.of(Map.of()), Set.of(), Optional.empty())
              .body()) {
        assertThat(body.readNBytes(4)).as("the stream's preamble arrives over mTLS").hasSize(4);
      }
      assertThat(new NodeClient(url, 0x77, clientCert(certs)).info().get("isPrimary").asBoolean())
          .isTrue();
    }
  }

  private static NodeSecurity clientCert(TestCertificates certs) throws Exception {
    return NodeSecurity.NONE
        .withToken(TOKEN)
        .withTls(
            NodeTls.load(certs.clientCert(), certs.clientKey(), Optional.of(certs.ca()), false));
  }

  @Test
  void pkcs1RsaKeysAreReadAndBadFilesAreNamed() throws Exception {
    Path pkcs1 = tmp.resolve("certs/server-pkcs1.key");
    openssl("pkey", "-in", certs.serverKey().toString(), "-traditional", "-out", pkcs1.toString());
    assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");
    NodeSecurity security =
        NodeSecurity.NONE.withTls(
            NodeTls.load(certs.serverCert(), pkcs1, Optional.of(certs.ca()), false));
    try (TestNode node = TestNode.open(tmp.resolve("n"), 0x1A, security)) {
      assertThat(new NodeClient(node.node.server().url(), 0x77, security).info().get("nodeID"))
          .isNotNull();
    }
    Path garbage = Files.writeString(tmp.resolve("garbage.pem"), "not a pem file\n");
    assertThatThrownBy(() -> NodeTls.load(garbage, certs.serverKey(), Optional.empty(), false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(garbage.toString());
    assertThatThrownBy(() -> NodeTls.load(certs.serverCert(), garbage, Optional.empty(), false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no PEM private key in " + garbage);
    assertThatThrownBy(
            () -> NodeTls.load(certs.serverCert(), certs.clientKey(), Optional.empty(), false))
        .as("a key that does not match the certificate")
        .isInstanceOf(IOException.class);
  }

  private NodeSecurity secure(boolean mutual) throws IOException {
    return NodeSecurity.NONE
        .withToken(TOKEN)
        .withTls(
            NodeTls.load(certs.serverCert(), certs.serverKey(), Optional.of(certs.ca()), mutual));
  }

  private void write(TestNode n, String name, int txs) throws Exception {
    try (SqliteWorkload w =
        SqliteWorkload.start(
            n.store.create(name), tmp.resolve("w-" + name), Mode.DELETE, 5, true)) {
      for (int i = 0; i < txs; i++) {
        w.randomTx();
      }
    }
  }

  private void openssl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }
}
