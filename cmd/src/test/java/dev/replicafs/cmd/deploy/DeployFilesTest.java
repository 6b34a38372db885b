package dev.replicafs.cmd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.replicafs.cmd.config.BackupConfig;
import dev.replicafs.cmd.config.Config;
import dev.replicafs.cmd.config.ConfigKeys;
import dev.replicafs.cmd.config.ConfigLoader;
import dev.replicafs.cmd.config.ConsulConfig;
import dev.replicafs.cmd.config.DataConfig;
import dev.replicafs.cmd.config.EtcdConfig;
import dev.replicafs.cmd.config.ExecEntry;
import dev.replicafs.cmd.config.FuseConfig;
import dev.replicafs.cmd.config.HaltConfig;
import dev.replicafs.cmd.config.HttpConfig;
import dev.replicafs.cmd.config.LeaseConfig;
import dev.replicafs.cmd.config.LeaseType;
import dev.replicafs.cmd.config.LoadContext;
import dev.replicafs.cmd.config.LogConfig;
import dev.replicafs.cmd.config.ProxyConfig;
import dev.replicafs.cmd.config.ReplicationConfig;
import dev.replicafs.cmd.config.TracingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Validates every YAML file in deploy/ and the other deployment files, without Docker. */
class DeployFilesTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  private static List<JsonNode> documents(Path file) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void everyYamlFileInDeployParses() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(RepoFiles.root().resolve("deploy"))) {
      files =
          walk.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
              .sorted()
              .toList();
    }
    assertThat(files)
        .extracting(p -> RepoFiles.root().resolve("deploy").relativize(p).toString())
        .contains(
            "replicafs.yml",
            "docker-compose.consul.yml",
            "docker-compose.etcd.yml",
            "kubernetes/replicafs.yaml");
    for (Path file : files) {
      assertThat(documents(file)).as(file.toString()).isNotEmpty();
    }
  }

  @Test
  void consulComposeRunsThreeFuseNodesAgainstOfficialConsul() throws Exception {
    checkCompose("docker-compose.consul.yml", "consul", "hashicorp/consul:", LeaseType.CONSUL);
  }

  @Test
  void etcdComposeRunsThreeFuseNodesAgainstEtcd() throws Exception {
    checkCompose("docker-compose.etcd.yml", "etcd", "quay.io/coreos/etcd:", LeaseType.ETCD);
  }

  private void checkCompose(String file, String coordinator, String image, LeaseType type)
      throws Exception {
    JsonNode compose = documents(RepoFiles.deploy(file)).get(0);
    JsonNode services = compose.get("services");
    assertThat(services.get(coordinator).get("image").asText()).startsWith(image);
    List<String> ports = new ArrayList<>();
    for (String name : List.of("node1", "node2", "node3")) {
      JsonNode node = services.get(name);
      assertThat(node).as(name).isNotNull();
      assertThat(node.get("build").get("dockerfile").asText()).isEqualTo("deploy/Dockerfile");
      assertThat(RepoFiles.deploy("").resolve(node.get("build").get("context").asText()))
          .as("build context is the repository root")
          .isEqualTo(RepoFiles.deploy("").resolve(".."));
      assertThat(texts(node.get("devices"))).contains("/dev/fuse:/dev/fuse");
      assertThat(texts(node.get("cap_add"))).contains("SYS_ADMIN");
      assertThat(node.get("init").asBoolean()).isTrue();
      assertThat(texts(node.get("depends_on"))).contains(coordinator);
      assertThat(texts(node.get("command"))).containsExactly("guestbook");
      String volume = texts(node.get("volumes")).get(0);
      assertThat(volume).isEqualTo(name + "-data:/var/lib/litefs");
      assertThat(compose.get("volumes").has(name + "-data")).isTrue();
      ports.addAll(texts(node.get("ports")));
      assertThat(texts(node.get("ports")).get(0)).endsWith(":8080");

      Map<String, String> env = new java.util.HashMap<>();
      node.get("environment")
          .fields()
          .forEachRemaining(e -> env.put(e.getKey(), composeValue(e.getValue().asText())));
      assertThat(env.get("REPLICAFS_HOSTNAME")).isEqualTo(name);
      assertThat(env.get("REPLICAFS_ADVERTISE_URL")).isEqualTo("http://" + name + ":20202");
      assertThat(env.get("REPLICAFS_PROXY_TARGET")).isEqualTo("localhost:" + env.get("PORT"));
      Config c = generatedConfig(env);
      assertThat(c.lease().type()).isEqualTo(type);
      assertThat(c.proxy().enabled()).isTrue();
      assertThat(c.http().clusterToken()).isPresent();
    }
    assertThat(new TreeSet<>(ports)).hasSize(3);
  }

  /** Applies compose's ${VAR:-default} interpolation with nothing set. */
  private static String composeValue(String value) {
    return value.replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
  }

  /** Runs the entrypoint's config generation with {@code env} and loads the result. */
  private static Config generatedConfig(Map<String, String> env) throws Exception {
    Path dir = Files.createTempDirectory("compose-env");
    Path config = dir.resolve("replicafs.yml");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(bin.resolve("replicafs"), "#!/bin/sh\nexit 0\n");
    bin.resolve("replicafs").toFile().setExecutable(true);
    ProcessBuilder pb =
        new ProcessBuilder("bash", RepoFiles.deploy("docker-entrypoint.sh").toString(), "app");
    pb.environment().putAll(env);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("REPLICAFS_CONFIG", config.toString());
    pb.environment().put("REPLICAFS_FUSE_DEVICE", "/dev/null");
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile());
    assertThat(pb.start().waitFor()).as(() -> readQuietly(dir.resolve("log"))).isZero();
    return new ConfigLoader(new LoadContext(env, dir, dir, () -> "h")).load(config, true).config();
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void kubernetesStatefulSetHasHeadlessServiceFuseAccessAndValidConfig() throws Exception {
    List<JsonNode> docs = documents(RepoFiles.deploy("kubernetes/replicafs.yaml"));
    Map<String, JsonNode> byKindAndName = new java.util.HashMap<>();
    for (JsonNode d : docs) {
      byKindAndName.put(d.get("kind").asText() + "/" + d.at("/metadata/name").asText(), d);
    }
    assertThat(byKindAndName)
        .containsKeys(
            "ConfigMap/replicafs-config",
            "Secret/replicafs-token",
            "Service/replicafs",
            "Service/replicafs-app",
            "StatefulSet/replicafs");
    JsonNode headless = byKindAndName.get("Service/replicafs");
    assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(headless.at("/spec/ports/0/port").asInt()).isEqualTo(20202);
    JsonNode sts = byKindAndName.get("StatefulSet/replicafs");
    assertThat(sts.get("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(sts.at("/spec/serviceName").asText()).isEqualTo("replicafs");
    assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(sts.at("/spec/selector/matchLabels/app").asText())
        .isEqualTo(sts.at("/spec/template/metadata/labels/app").asText())
        .isEqualTo(headless.at("/spec/selector/app").asText());
    JsonNode container = sts.at("/spec/template/spec/containers/0");
    assertThat(container.at("/securityContext/privileged").asBoolean()).isTrue();
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/litefs/health");
    String claim = sts.at("/spec/volumeClaimTemplates/0/metadata/name").asText();
    Map<String, String> mounts = new java.util.HashMap<>();
    container
        .get("volumeMounts")
        .forEach(m -> mounts.put(m.get("name").asText(), m.get("mountPath").asText()));
    assertThat(mounts.get(claim)).isEqualTo("/var/lib/litefs");
    Map<String, String> env = new java.util.HashMap<>();
    container.get("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText()));
    assertThat(Path.of(env.get("REPLICAFS_CONFIG")).getParent().toString())
        .isEqualTo(mounts.get("config"));
    assertThat(container.at("/env").findValuesAsText("fieldPath")).contains("metadata.name");

    String yml = byKindAndName.get("ConfigMap/replicafs-config").at("/data/replicafs.yml").asText();
    Config primary = kubernetesConfig(yml, "replicafs-0");
    Config replica = kubernetesConfig(yml, "replicafs-2");
    assertThat(primary.lease().candidate()).isTrue();
    assertThat(replica.lease().candidate()).isFalse();
    assertThat(primary.lease().advertiseUrl())
        .startsWith("http://replicafs-0." + headless.at("/metadata/name").asText() + ":");
    assertThat(primary.fuse().dir()).isEqualTo(Path.of("/litefs"));
    assertThat(primary.proxy().addr())
        .isEqualTo(":" + container.at("/readinessProbe/httpGet/port").asInt());
    assertThat(primary.exec()).containsExactly(new ExecEntry("guestbook", false));
  }

  private static Config kubernetesConfig(String yml, String pod) {
    Map<String, String> env = Map.of("POD_NAME", pod, "REPLICAFS_CLUSTER_TOKEN", "t");
    return new ConfigLoader(new LoadContext(env, Path.of("/"), Path.of("/"), () -> pod))
        .parse(Path.of("replicafs.yml"), yml, true);
  }

  @Test
  void referenceConfigSetsEveryKeyToItsDefault() throws Exception {
    Path file = RepoFiles.deploy("replicafs.yml");
    TreeSet<String> keys = new TreeSet<>();
    collectLeafKeys(documents(file).get(0), "", keys);
    assertThat(keys).containsExactlyElementsOf(ConfigKeys.all());

    Config c =
        new ConfigLoader(new LoadContext(Map.of(), Path.of("/"), Path.of("/"), () -> "h"))
            .load(file, true)
            .config();
    assertThat(c.exitOnError()).isTrue();
    assertThat(c.skipSync()).isFalse();
    assertThat(c.strictVerify()).isFalse();
    assertThat(c.data()).isEqualTo(DataConfig.defaults());
    assertThat(c.fuse()).isEqualTo(FuseConfig.defaults());
    assertThat(c.http()).isEqualTo(HttpConfig.defaults());
    assertThat(c.proxy()).isEqualTo(ProxyConfig.defaults());
    assertThat(c.backup()).isEqualTo(BackupConfig.defaults());
    assertThat(c.log()).isEqualTo(LogConfig.defaults());
    assertThat(c.tracing()).isEqualTo(TracingConfig.defaults());
    assertThat(c.replication()).isEqualTo(ReplicationConfig.defaults());
    assertThat(c.halt()).isEqualTo(HaltConfig.defaults());
    LeaseConfig l = c.lease();
    assertThat(l.candidate()).isTrue();
    assertThat(l.promote()).isFalse();
    assertThat(l.reconnectDelay()).isEqualTo(LeaseConfig.DEFAULT_RECONNECT_DELAY);
    assertThat(l.demoteDelay()).isEqualTo(LeaseConfig.DEFAULT_DEMOTE_DELAY);
    assertThat(l.databases()).isEmpty();
    assertThat(l.consul()).isEqualTo(ConsulConfig.defaults());
    assertThat(l.etcd()).isEqualTo(EtcdConfig.defaults());
  }

  private static void collectLeafKeys(JsonNode node, String path, TreeSet<String> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        collectLeafKeys(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), out);
      }
    } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
      out.add(path);
      for (JsonNode item : node) {
        collectLeafKeys(item, path + "[]", out);
      }
    } else {
      out.add(path);
    }
  }

  @Test
  void configDocListsEveryKey() throws Exception {
    String doc = Files.readString(RepoFiles.root().resolve("docs/CONFIG.md"));
    for (String key : ConfigKeys.all()) {
      assertThat(doc).as("docs/CONFIG.md documents %s", key).contains("`" + key + "`");
    }
  }

  @Test
  void dockerfileBuildsWithJdk17AndRunsOnJre17WithFuse() throws Exception {
    String dockerfile = Files.readString(RepoFiles.deploy("Dockerfile"));
    List<String> froms = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(froms).hasSize(2);
    assertThat(froms.get(0)).contains("maven:").contains("temurin-17").endsWith(" AS build");
    assertThat(froms.get(1)).contains("eclipse-temurin:17-jre");
    assertThat(dockerfile).contains("fuse libfuse2");
    assertThat(dockerfile).contains("ENTRYPOINT [\"docker-entrypoint.sh\"]");
    for (String line : dockerfile.lines().filter(l -> l.startsWith("COPY ")).toList()) {
      String[] parts = line.split("\\s+");
      if (!line.contains("--from=")) {
        String source = parts[1];
        assertThat(RepoFiles.root().resolve(source)).as(line).exists();
      }
    }
    assertThat(dockerfile)
        .contains("/src/cmd/target/replicafs.jar")
        .contains("/src/cmd/src/main/dist/replicafs")
        .contains("deploy/example/GuestbookApp.java");
    assertThat(RepoFiles.root().resolve("cmd/src/main/dist/replicafs")).exists();
    assertThat(RepoFiles.deploy("example/GuestbookApp.java")).exists();
  }

  @Test
  void systemdUnitRunsMountAndSignalsOnlyReplicafs() throws Exception {
    List<String> lines = Files.readAllLines(RepoFiles.deploy("systemd/replicafs.service"));
    assertThat(lines).contains("[Unit]", "[Service]", "[Install]");
    assertThat(lines)
        .anyMatch(l -> l.startsWith("ExecStart=") && l.contains("replicafs mount -config"));
    assertThat(lines).contains("KillMode=mixed", "RestartPreventExitStatus=2");
  }
}
