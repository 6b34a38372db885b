package dev.replicafs.cmd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The two config test resources (loaded by {@link ConfigLoaderTest}) together set every key, and
 * the LiteFS one uses only LiteFS keys and all of them: proof that a LiteFS config exercising the
 * whole format loads.
 */
class ConfigKeysTest {
  private static final List<String> REPLICAFS_ONLY =
      List.of(
          "data.ltx-interval",
          "data.retention-max-bytes",
          "halt.ttl",
          "http.tls.cert-file",
          "http.tls.client-ca-file",
          "http.tls.key-file",
          "http.token",
          "http.token-env",
          "http.token-file",
          "lease.etcd.endpoints",
          "lease.etcd.key",
          "lease.etcd.password",
          "lease.etcd.tls.ca-file",
          "lease.etcd.tls.cert-file",
          "lease.etcd.tls.key-file",
          "lease.etcd.ttl",
          "lease.etcd.username",
          "proxy.mode",
          "proxy.txid-wait-timeout",
          "replication.sync",
          "replication.sync-fallback",
          "replication.sync-timeout");

  /** Keys LiteFS has that the LiteFS resource cannot set together with the others. */
  private static final List<String> LITEFS_EXCLUSIVE = List.of("lease.databases");

  private static TreeSet<String> keysSetBy(String resource) throws Exception {
    Path file = Path.of(ConfigKeysTest.class.getResource("/config/" + resource).toURI());
    TreeSet<String> keys = new TreeSet<>();
    String text = java.nio.file.Files.readString(file);
    collect(YamlTree.parse(resource, text), "", keys);
    return keys;
  }

  private static void collect(YamlNode node, String path, TreeSet<String> out) {
    if (node instanceof YamlNode.Mapping) {
      for (var e : ((YamlNode.Mapping) node).entries().entrySet()) {
        collect(e.getValue().value(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
      }
    } else if (node instanceof YamlNode.Sequence
        && !((YamlNode.Sequence) node).items().isEmpty()
        && ((YamlNode.Sequence) node).items().get(0) instanceof YamlNode.Mapping) {
      out.add(path);
      ((YamlNode.Sequence) node).items().forEach(item -> collect(item, path + "[]", out));
    } else {
      out.add(path);
    }
  }

  @Test
  void litefsResourceSetsEveryLiteFsKey() throws Exception {
    TreeSet<String> expected = new TreeSet<>(ConfigKeys.all());
    expected.removeAll(REPLICAFS_ONLY);
    expected.removeAll(LITEFS_EXCLUSIVE);
    assertThat(keysSetBy("litefs-every-key.yml")).containsExactlyElementsOf(expected);
  }

  @Test
  void extensionResourceSetsEveryReplicafsKeyButOneTokenSource() throws Exception {
    TreeSet<String> keys = keysSetBy("replicafs-extensions.yml");
    TreeSet<String> missing = new TreeSet<>(REPLICAFS_ONLY);
    missing.removeAll(keys);
    // http.token, token-file and token-env are mutually exclusive; the loader tests cover the
    // other two.
    assertThat(missing).containsExactlyInAnyOrder("http.token", "http.token-env");
    assertThat(ConfigKeys.all()).containsAll(REPLICAFS_ONLY);
  }
}
