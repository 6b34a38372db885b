package dev.replicafs.cmd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static final String STATIC = "lease: {type: static, advertise-url: http://p:20202}\n";

  private LoadContext context(Map<String, String> env) {
    return new LoadContext(env, dir, dir.resolve("home"), () -> "machine-7");
  }

  private Config parse(String yaml) {
    return parse(yaml, Map.of());
  }

  private Config parse(String yaml, Map<String, String> env) {
    return new ConfigLoader(context(env)).parse(dir.resolve("replicafs.yml"), yaml, true);
  }

  private String error(String yaml) {
    return catchThrowableOfType(ConfigException.class, () -> parse(yaml)).describe();
  }

  private Config resource(String name, Map<String, String> env) throws Exception {
    Path file = Path.of(getClass().getResource("/config/" + name).toURI());
    return new ConfigLoader(context(env)).load(file, true).config();
  }

  @Test
  void minimalConfigGetsLiteFsDefaults() {
    Config c = parse(STATIC);
    assertThat(c.exitOnError()).isTrue();
    assertThat(c.skipSync()).isFalse();
    assertThat(c.strictVerify()).isFalse();
    assertThat(c.exec()).isEmpty();
    assertThat(c.data()).isEqualTo(DataConfig.defaults());
    assertThat(c.data().dir()).isEqualTo(Path.of("/var/lib/litefs"));
    assertThat(c.data().retention()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.data().retentionMonitorInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.fuse()).isEqualTo(FuseConfig.defaults());
    assertThat(c.fuse().dir()).isEqualTo(Path.of("/litefs"));
    assertThat(c.http().addr()).isEqualTo(":20202");
    assertThat(c.http().snapshotTimeoutOr(c.data().retention())).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.http().clusterToken()).isEmpty();
    assertThat(c.proxy()).isEqualTo(ProxyConfig.defaults());
    assertThat(c.proxy().enabled()).isFalse();
    assertThat(c.proxy().maxLag()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.proxy().primaryRedirectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.proxy().readHeaderTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.proxy().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.lease().type()).isEqualTo(LeaseType.STATIC);
    assertThat(c.lease().candidate()).isTrue();
    assertThat(c.lease().hostname()).isEmpty();
    assertThat(c.lease().reconnectDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.lease().demoteDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.lease().consul()).isEqualTo(ConsulConfig.defaults());
    assertThat(c.backup()).isEqualTo(BackupConfig.defaults());
    assertThat(c.log()).isEqualTo(LogConfig.defaults());
    assertThat(c.tracing()).isEqualTo(TracingConfig.defaults());
    assertThat(c.tracing().maxCount()).isEqualTo(8);
    assertThat(c.replication()).isEqualTo(ReplicationConfig.defaults());
    assertThat(c.halt().ttl()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void litefsConfigWithEveryKeyLoadsUnchanged() throws Exception {
    Config c =
        resource(
            "litefs-every-key.yml",
            Map.of("SHOP_NODE", "node-a", "SHOP_REGION", "ams", "PRIMARY_REGION", "ams"));
    assertThat(c.exitOnError()).isFalse();
    assertThat(c.skipSync()).isTrue();
    assertThat(c.strictVerify()).isTrue();
    assertThat(c.exec())
        .containsExactly(
            new ExecEntry("/usr/local/bin/migrate --dir /db/migrations", true),
            new ExecEntry("/usr/local/bin/shop-server -listen :8081", false));
    assertThat(c.data())
        .isEqualTo(
            new DataConfig(
                Path.of("/srv/lfs-data"),
                false,
                Duration.ofMinutes(45),
                Duration.ofSeconds(90),
                0,
                Duration.ofMillis(1)));
    assertThat(c.fuse()).isEqualTo(new FuseConfig(Path.of("/srv/lfs"), true, true));
    assertThat(c.http().addr()).isEqualTo("127.0.0.1:30303");
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(30303);
    assertThat(c.http().snapshotTimeout()).isEqualTo(Duration.ofMinutes(2));
    ProxyConfig p = c.proxy();
    assertThat(p.addr()).isEqualTo(":8080");
    assertThat(p.target()).isEqualTo("localhost:8081");
    assertThat(p.db()).isEqualTo("shop.db");
    assertThat(p.maxLag()).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.debug()).isTrue();
    assertThat(p.passthrough()).containsExactly("/assets/*", "*.ico");
    assertThat(p.alwaysForward()).containsExactly("/cart/checkout");
    assertThat(p.primaryRedirectTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(p.readTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(p.readHeaderTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(p.writeTimeout()).isEqualTo(Duration.ofSeconds(25));
    assertThat(p.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
    LeaseConfig l = c.lease();
    assertThat(l.type()).isEqualTo(LeaseType.CONSUL);
    assertThat(l.hostname()).isEqualTo("node-a");
    assertThat(l.advertiseUrl()).isEqualTo("http://node-a.internal:30303");
    assertThat(l.candidate()).isTrue();
    assertThat(l.promote()).isTrue();
    assertThat(l.reconnectDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(l.demoteDelay()).isEqualTo(Duration.ofSeconds(15));
    assertThat(l.consul())
        .isEqualTo(
            new ConsulConfig(
                "https://:s3cret@consul.internal:8501/shop",
                "shop/primary",
                Duration.ofSeconds(12),
                Duration.ofSeconds(3)));
    assertThat(l.consul().toString()).doesNotContain("s3cret");
    assertThat(c.backup())
        .isEqualTo(
            new BackupConfig(
                BackupType.FILE,
                "/srv/backups",
                "https://backup.example.test",
                "shop-cluster",
                "abc123"));
    assertThat(c.log()).isEqualTo(new LogConfig(LogFormat.JSON, true, true));
    assertThat(c.tracing())
        .isEqualTo(new TracingConfig(false, "/var/log/lfs/trace.log", 32, 4, false));
  }

  @Test
  void candidateExpressionIsFalseInAnotherRegion() throws Exception {
    Config c =
        resource(
            "litefs-every-key.yml",
            Map.of("SHOP_NODE", "node-b", "SHOP_REGION", "fra", "PRIMARY_REGION", "ams"));
    assertThat(c.lease().candidate()).isFalse();
  }

  @Test
  void replicafsExtensionsLoad() throws Exception {
    Path config = dir.resolve("rfs.yml");
    Files.writeString(
        config,
        new String(
            getClass().getResourceAsStream("/config/replicafs-extensions.yml").readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("cluster.token"), "  tok-123\n");
    Config c = new ConfigLoader(context(Map.of())).load(Path.of("rfs.yml"), true).config();
    assertThat(c.data().retentionMaxBytes()).isEqualTo(2L << 30);
    assertThat(c.data().ltxInterval()).isEqualTo(Duration.ofMillis(3));
    assertThat(c.http().clusterToken()).contains("tok-123");
    assertThat(c.http().toString()).doesNotContain("tok-123");
    assertThat(c.http().tls())
        .isEqualTo(
            new TlsConfig(
                Path.of("/etc/rfs/node.pem"),
                Path.of("/etc/rfs/node-key.pem"),
                Path.of("/etc/rfs/ca.pem")));
    assertThat(c.proxy().mode()).isEqualTo(ProxyMode.FLY_REPLAY);
    assertThat(c.proxy().txidWaitTimeout()).isEqualTo(Duration.ofMillis(750));
    LeaseConfig l = c.lease();
    assertThat(l.type()).isEqualTo(LeaseType.ETCD);
    assertThat(l.advertiseUrl())
        .as("the default advertise URL is https when http.tls is set")
        .isEqualTo("https://node-b:20202");
    assertThat(l.etcd())
        .isEqualTo(
            new EtcdConfig(
                List.of("http://etcd-0:2379", "https://etcd-1:2379"),
                "app/primary",
                Duration.ofSeconds(3),
                "rfs",
                "hunter2",
                new EtcdConfig.Tls(
                    Path.of("/etc/rfs/etcd-ca.pem"),
                    Path.of("/etc/rfs/etcd-client.pem"),
                    Path.of("/etc/rfs/etcd-client-key.pem"))));
    assertThat(l.etcd().toString()).doesNotContain("hunter2");
    assertThat(c.replication())
        .isEqualTo(
            new ReplicationConfig(SyncMode.QUORUM, Duration.ofMillis(1500), SyncFallback.ASYNC));
    assertThat(c.halt().ttl()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void dynamicLeaseDefaultsHostnameAndAdvertiseUrl() {
    Config c =
        parse(
            "http: {addr: ':4000'}\n"
                + "lease: {type: etcd, etcd: {endpoints: [http://e:2379], key: k}}\n");
    assertThat(c.lease().hostname()).isEqualTo("machine-7");
    assertThat(c.lease().advertiseUrl()).isEqualTo("http://machine-7:4000");
  }

  @Test
  void hostnameVariableFallsBackToTheMachineName() {
    Config c = parse("lease: {type: static, advertise-url: 'http://${HOSTNAME}:20202'}\n");
    assertThat(c.lease().advertiseUrl()).isEqualTo("http://machine-7:20202");
  }

  @Test
  void noExpandEnvKeepsReferencesLiterally() {
    Config c =
        new ConfigLoader(context(Map.of("NODE", "x")))
            .parse(dir.resolve("replicafs.yml"), STATIC + "fuse: {dir: /mnt/$NODE}\n", false);
    assertThat(c.fuse().dir()).isEqualTo(Path.of("/mnt/$NODE"));
  }

  @Test
  void execAcceptsAStringOrAList() {
    assertThat(parse(STATIC + "exec: myapp -addr :8080\n").exec())
        .containsExactly(new ExecEntry("myapp -addr :8080", false));
    assertThat(
            parse(STATIC + "exec:\n  - cmd: migrate\n    if-candidate: true\n  - serve\n").exec())
        .containsExactly(new ExecEntry("migrate", true), new ExecEntry("serve", false));
  }

  @Test
  void unknownKeyNamesLineAndPathAndSuggestsTheClosestKey() {
    String yaml =
        "lease:\n"
            + "  type: consul\n"
            + "  consul:\n"
            + "    url: http://c:8500\n"
            + "    key: k\n"
            + "    ttll: 10s\n";
    assertThat(error(yaml))
        .isEqualTo("replicafs.yml:6: unknown key \"lease.consul.ttll\" (did you mean \"ttl\"?)");
  }

  @Test
  void unknownTopLevelSectionIsRejected() {
    assertThat(error(STATIC + "replicaton:\n  sync: one\n"))
        .isEqualTo("replicafs.yml:2: unknown key \"replicaton\" (did you mean \"replication\"?)");
  }

  @Test
  void removedLegacyKeysSayWhatReplacedThem() {
    assertThat(error(STATIC + "mount-dir: /litefs\n"))
        .startsWith("replicafs.yml:2: unknown key \"mount-dir\"")
        .contains("use fuse.dir");
  }

  @Test
  void wrongTypesNameLineAndKey() {
    assertThat(error(STATIC + "data:\n  retention: 10\n"))
        .startsWith("replicafs.yml:3: data.retention: expected a duration")
        .contains("got the number 10");
    assertThat(error(STATIC + "fuse:\n  allow-other: maybe\n"))
        .isEqualTo(
            "replicafs.yml:3: fuse.allow-other: expected true or false, got the string \"maybe\"");
    assertThat(error(STATIC + "proxy:\n  passthrough: {a: b}\n"))
        .isEqualTo("replicafs.yml:3: proxy.passthrough: expected a list of strings, got a mapping");
    assertThat(error(STATIC + "tracing:\n  max-size: big\n"))
        .startsWith("replicafs.yml:3: tracing.max-size: expected a whole number");
    assertThat(error(STATIC + "data: /var/lib\n"))
        .isEqualTo(
            "replicafs.yml:2: data: expected a mapping of keys, got the string \"/var/lib\"");
    assertThat(error(STATIC + "exec: {cmd: x}\n"))
        .startsWith("replicafs.yml:2: exec: expected a command string or a list");
  }

  @Test
  void malformedYamlNamesTheLine() {
    assertThat(error(STATIC + "fuse:\n  dir: [unclosed\n"))
        .startsWith("replicafs.yml:")
        .contains("invalid YAML");
    assertThat(error("lease:\n  type: static\n  type: consul\n"))
        .isEqualTo("replicafs.yml:3: duplicate key \"type\"");
  }

  @Test
  void yamlAnchorsAndAliasesResolve() {
    Config c =
        parse(
            STATIC + "proxy: {passthrough: &globs [/assets/*, '*.ico'], always-forward: *globs}\n");
    assertThat(c.proxy().passthrough()).containsExactly("/assets/*", "*.ico");
    assertThat(c.proxy().alwaysForward()).containsExactly("/assets/*", "*.ico");
  }

  @Test
  void tabsAndSecondDocumentsAreRejectedWithTheirLine() {
    assertThat(error("lease:\n\ttype: static\n"))
        .startsWith("replicafs.yml:2: invalid YAML: ")
        .contains("Do not use");
    assertThat(error(STATIC + "---\nfuse: {dir: /x}\n"))
        .startsWith("replicafs.yml:3: a second YAML document (---) is not supported");
  }

  @Test
  void validationErrorsSayWhatToChange() {
    assertThat(error("fuse: {dir: /x}\n"))
        .isEqualTo("replicafs.yml: lease.type is required: set it to static, consul or etcd");
    assertThat(error("lease:\n  type: zookeeper\n"))
        .isEqualTo(
            "replicafs.yml:2: lease.type must be one of static, consul, etcd, got \"zookeeper\"");
    assertThat(error(STATIC + "fuse: {dir: /same}\ndata: {dir: /same/}\n"))
        .startsWith("replicafs.yml:2: fuse.dir and data.dir must differ");
    assertThat(error(STATIC + "fuse: {dir: /mnt}\ndata: {dir: /mnt/data}\n"))
        .startsWith("replicafs.yml:3: data.dir must not be inside fuse.dir");
    assertThat(error("lease:\n  type: static\n  advertise-url: http://p:1\n  databases: [a.db]\n"))
        .startsWith("replicafs.yml:4: lease.databases is only allowed on non-candidate nodes");
    assertThat(error("lease:\n  type: consul\n  consul:\n    key: k\n"))
        .startsWith("replicafs.yml:3: lease.consul.url is required for lease.type consul");
    assertThat(error("lease:\n  type: consul\n  consul:\n    url: http://c:8500\n"))
        .startsWith("replicafs.yml:3: lease.consul.key is required");
    assertThat(error("lease: {type: etcd, etcd: {key: k}}\n"))
        .startsWith("replicafs.yml:1: lease.etcd.endpoints is required for lease.type etcd");
    assertThat(error("lease: {type: static}\n"))
        .startsWith("replicafs.yml:1: lease.advertise-url is required for lease.type static");
    assertThat(error(STATIC + "proxy:\n  target: localhost:8081\n  db: app.db\n"))
        .startsWith("replicafs.yml:2: proxy.addr is required when proxy.target is set");
    assertThat(error(STATIC + "proxy:\n  target: localhost:8081\n  addr: ':8080'\n"))
        .startsWith("replicafs.yml:2: proxy.db is required when proxy.target is set");
    assertThat(error(STATIC + "data:\n  retention: -1s\n"))
        .startsWith("replicafs.yml:3: data.retention must not be negative");
    assertThat(error(STATIC + "data:\n  ltx-interval: -1ms\n"))
        .startsWith("replicafs.yml:3: data.ltx-interval must not be negative");
    assertThat(error(STATIC + "data:\n  ltx-interval: 2s\n"))
        .startsWith("replicafs.yml:3: data.ltx-interval must be at most 1s");
    assertThat(error(STATIC + "http:\n  addr: localhost\n"))
        .startsWith("replicafs.yml:3: http.addr must be host:port");
    assertThat(error(STATIC + "replication:\n  sync: all\n"))
        .isEqualTo(
            "replicafs.yml:3: replication.sync must be one of none, one, quorum, got \"all\"");
    assertThat(error(STATIC + "http:\n  token: a\n  token-env: B\n"))
        .startsWith("replicafs.yml:3: set only one of http.token");
    assertThat(error(STATIC + "http:\n  tls:\n    cert-file: /c.pem\n"))
        .startsWith(
            "replicafs.yml:3: http.tls.cert-file and http.tls.key-file must be set together");
  }

  @Test
  void tokenMayComeFromAnEnvironmentVariable() {
    Config c = parse(STATIC + "http: {token-env: RFS_TOKEN}\n", Map.of("RFS_TOKEN", "t0k\n"));
    assertThat(c.http().clusterToken()).contains("t0k");
    assertThat(error(STATIC + "http: {token-env: RFS_TOKEN}\n"))
        .contains("http.token-env names RFS_TOKEN, which is not set");
  }

  @Test
  void litefsCloudTokenConfiguresBackupAsLiteFsDoes() {
    Config c = parse(STATIC, Map.of("LITEFS_CLOUD_TOKEN", " secret "));
    assertThat(c.backup().type()).isEqualTo(BackupType.LITEFS_CLOUD);
    assertThat(c.backup().authToken()).isEqualTo("secret");
    assertThat(c.backup().url()).isEqualTo("https://litefs.fly.io");
    assertThat(c.backup().toString()).doesNotContain("secret");
  }

  @Test
  void searchOrderPrefersReplicafsThenLitefsThenHomeThenEtc() throws Exception {
    ConfigLoader loader = new ConfigLoader(context(Map.of()));
    assertThat(loader.searchPaths())
        .containsExactly(
            dir.resolve("replicafs.yml"),
            dir.resolve("litefs.yml"),
            dir.resolve("home/replicafs.yml"),
            Path.of("/etc/replicafs.yml"),
            Path.of("/etc/litefs.yml"));
    Files.createDirectories(dir.resolve("home"));
    Files.writeString(dir.resolve("home/replicafs.yml"), STATIC + "fuse: {dir: /from-home}\n");
    assertThat(loader.load(null, true).path()).isEqualTo(dir.resolve("home/replicafs.yml"));
    Files.writeString(dir.resolve("litefs.yml"), STATIC + "fuse: {dir: /from-litefs}\n");
    assertThat(loader.load(null, true).config().fuse().dir()).isEqualTo(Path.of("/from-litefs"));
    Files.writeString(dir.resolve("replicafs.yml"), STATIC + "fuse: {dir: /from-replicafs}\n");
    assertThat(loader.load(null, true).config().fuse().dir()).isEqualTo(Path.of("/from-replicafs"));
  }

  @Test
  void explicitMissingPathIsAnError() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> new ConfigLoader(context(Map.of())).load(Path.of("nope.yml"), true));
    assertThat(e.describe())
        .endsWith("nope.yml: config file does not exist: check the -config path");
  }

  @Test
  void emptyValuesKeepDefaults() {
    Config c = parse(STATIC + "data:\n  dir:\n  retention:\nproxy:\n");
    assertThat(c.data()).isEqualTo(DataConfig.defaults());
  }
}
