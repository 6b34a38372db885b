package dev.replicafs.cmd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.cmd.config.Config;
import dev.replicafs.cmd.config.ConfigLoader;
import dev.replicafs.cmd.config.LeaseType;
import dev.replicafs.cmd.config.LoadContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs deploy/docker-entrypoint.sh with bash, without Docker: a fake {@code replicafs} on the PATH
 * records the arguments it was exec'd with, and /dev/null stands in for /dev/fuse.
 */
class EntrypointScriptTest {
  @TempDir Path dir;
  private Path record;
  private Path config;
  private final Map<String, String> env = new HashMap<>();

  record Result(int code, String stderr, List<String> replicafsArgs) {}

  @BeforeEach
  void fakeReplicafs() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    record = dir.resolve("args");
    Path fake = bin.resolve("replicafs");
    Files.writeString(fake, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$RECORD\"\nexit 0\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    config = dir.resolve("etc/replicafs.yml");
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("RECORD", record.toString());
    env.put("REPLICAFS_CONFIG", config.toString());
    env.put("REPLICAFS_FUSE_DEVICE", "/dev/null");
  }

  private Result entrypoint(String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>();
    argv.add("bash");
    argv.add(RepoFiles.deploy("docker-entrypoint.sh").toString());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(false);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectOutput(dir.resolve("stdout").toFile());
    pb.redirectError(dir.resolve("stderr").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> recorded =
        Files.exists(record) ? Files.readAllLines(record, StandardCharsets.UTF_8) : List.of();
    Files.deleteIfExists(record);
    return new Result(p.exitValue(), Files.readString(dir.resolve("stderr")), recorded);
  }

  private Config loadGenerated() {
    LoadContext context = new LoadContext(env, dir, dir, () -> "container-host");
    return new ConfigLoader(context).load(config, true).config();
  }

  @Test
  void generatesAStaticConfigAndMountsWithIt() throws Exception {
    env.put("REPLICAFS_ADVERTISE_URL", "http://node1:20202");
    Result r = entrypoint();
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.replicafsArgs()).containsExactly("mount", "-config", config.toString());
    Config c = loadGenerated();
    assertThat(c.lease().type()).isEqualTo(LeaseType.STATIC);
    assertThat(c.lease().candidate()).isTrue();
    assertThat(c.lease().advertiseUrl()).isEqualTo("http://node1:20202");
    assertThat(c.fuse().dir()).isEqualTo(Path.of("/litefs"));
    assertThat(c.proxy().enabled()).isFalse();
  }

  @Test
  void appCommandGoesAfterDoubleDash() throws Exception {
    env.put("REPLICAFS_ADVERTISE_URL", "http://node1:20202");
    Result r = entrypoint("guestbook", "--port", "8081", "a b");
    assertThat(r.replicafsArgs())
        .containsExactly(
            "mount", "-config", config.toString(), "--", "guestbook", "--port", "8081", "a b");
  }

  @Test
  void flagsArePassedToMount() throws Exception {
    env.put("REPLICAFS_ADVERTISE_URL", "http://node1:20202");
    Result r = entrypoint("-debug", "-skip-unmount", "--", "app");
    assertThat(r.replicafsArgs())
        .containsExactly(
            "mount", "-config", config.toString(), "-debug", "-skip-unmount", "--", "app");
  }

  @Test
  void replicafsCommandsPassThroughWithoutTouchingTheConfig() throws Exception {
    Result r = entrypoint("export", "-name", "app.db", "/tmp/out.db");
    assertThat(r.code()).isZero();
    assertThat(r.replicafsArgs()).containsExactly("export", "-name", "app.db", "/tmp/out.db");
    assertThat(config).doesNotExist();
  }

  @Test
  void missingFuseDeviceSaysHowToFixTheContainer() throws Exception {
    env.put("REPLICAFS_ADVERTISE_URL", "http://node1:20202");
    env.put("REPLICAFS_FUSE_DEVICE", dir.resolve("no-fuse").toString());
    Result r = entrypoint("app");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.stderr()).contains("--device /dev/fuse --cap-add SYS_ADMIN");
    assertThat(r.replicafsArgs()).isEmpty();
  }

  @Test
  void existingConfigIsKeptAndWholeYamlCanComeFromOneVariable() throws Exception {
    Files.createDirectories(config.getParent());
    Files.writeString(config, "# mine\n");
    env.put("REPLICAFS_CONFIG_YAML", "lease: {type: static, advertise-url: http://x:1}\n");
    entrypoint();
    assertThat(Files.readString(config)).isEqualTo("# mine\n");
    Files.delete(config);
    Result r = entrypoint();
    assertThat(r.code()).isZero();
    assertThat(loadGenerated().lease().advertiseUrl()).isEqualTo("http://x:1");
  }

  @Test
  void generatesEtcdAndProxyConfigsThatLoad() throws Exception {
    env.put("REPLICAFS_LEASE_TYPE", "etcd");
    env.put("REPLICAFS_CANDIDATE", "false");
    env.put("REPLICAFS_ETCD_ENDPOINTS", "http://etcd-0:2379,http://etcd-1:2379");
    env.put("REPLICAFS_ETCD_KEY", "app/primary");
    env.put("REPLICAFS_HOSTNAME", "node2");
    env.put("REPLICAFS_PROXY_TARGET", "localhost:8081");
    env.put("REPLICAFS_PROXY_DB", "odd \"name\\.db");
    env.put("REPLICAFS_TOKEN_ENV", "CLUSTER_TOKEN");
    env.put("CLUSTER_TOKEN", "s3cret");
    Result r = entrypoint("app");
    assertThat(r.code()).as(r.stderr()).isZero();
    Config c = loadGenerated();
    assertThat(c.lease().type()).isEqualTo(LeaseType.ETCD);
    assertThat(c.lease().candidate()).isFalse();
    assertThat(c.lease().etcd().endpoints())
        .containsExactly("http://etcd-0:2379", "http://etcd-1:2379");
    assertThat(c.lease().etcd().key()).isEqualTo("app/primary");
    assertThat(c.lease().advertiseUrl()).isEqualTo("http://node2:20202");
    assertThat(c.proxy().addr()).isEqualTo(":8080");
    assertThat(c.proxy().db()).isEqualTo("odd \"name\\.db");
    assertThat(c.http().clusterToken()).contains("s3cret");
  }

  @Test
  void generatesConsulConfigsThatLoad() throws Exception {
    env.put("REPLICAFS_LEASE_TYPE", "consul");
    env.put("REPLICAFS_CONSUL_URL", "http://consul:8500");
    env.put("REPLICAFS_CONSUL_KEY", "app/primary");
    Result r = entrypoint();
    assertThat(r.code()).as(r.stderr()).isZero();
    Config c = loadGenerated();
    assertThat(c.lease().consul().url()).isEqualTo("http://consul:8500");
    assertThat(c.lease().hostname()).isEqualTo("container-host");
  }

  @Test
  void invalidLeaseTypeIsRejectedBeforeMounting() throws Exception {
    env.put("REPLICAFS_LEASE_TYPE", "zookeeper");
    Result r = entrypoint();
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.stderr()).contains("REPLICAFS_LEASE_TYPE must be static, consul or etcd");
    assertThat(r.replicafsArgs()).isEmpty();
  }
}
