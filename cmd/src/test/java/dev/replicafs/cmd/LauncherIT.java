package dev.replicafs.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged distribution ({@code target/replicafs} + {@code target/replicafs.jar}) as a
 * user would. Runs in the integration-test phase, after {@code package}.
 */
class LauncherIT {
  @TempDir Path dir;

  private record Result(int code, String output) {}

  private Result launch(String... args) throws Exception {
    Path launcher = Path.of(System.getProperty("replicafs.target", "target"), "replicafs");
    assertThat(launcher).as("run mvn package first").isExecutable();
    List<String> argv = new java.util.ArrayList<>(List.of(launcher.toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  @Test
  void launcherPrintsTheVersion() throws Exception {
    Result r = launch("version");
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.output()).matches("(?s)ReplicaFS \\d+\\.\\d+\\.\\d+\\S* \\(java 17.*\\)\\s*");
  }

  @Test
  void launcherWorksThroughASymlink() throws Exception {
    Path link = dir.resolve("bin/replicafs");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(
        link,
        Path.of(System.getProperty("replicafs.target", "target"), "replicafs").toAbsolutePath());
    Process p = new ProcessBuilder(link.toString(), "version").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }

  @Test
  void packagedMountReadsALitefsYmlFromTheWorkingDirectory() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(
        dir.resolve("litefs.yml"),
        "fuse: {dir: ./mnt}\ndata: {dir: ./data}\nhttp: {addr: '127.0.0.1:"
            + port
            + "'}\nlease: {type: static, advertise-url: 'http://127.0.0.1:"
            + port
            + "'}\nexec: \"sh -c 'test -e mnt/.lag && exit 6'\"\n");
    Result r = launch("mount");
    assertThat(r.code()).as(r.output()).isEqualTo(6);
    assertThat(r.output()).contains("node ready primary=true");
  }

  @Test
  void packagedCommandsKeepTheirExitCodes() throws Exception {
    Files.writeString(dir.resolve("replicafs.yml"), "lease:\n  type: zookeeper\n");
    Result bad = launch("mount");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.output()).contains("replicafs.yml:2: lease.type must be one of");
    assertThat(launch("bench", "-replicas", "-1").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(launch("no-such-command").code()).isEqualTo(ExitCodes.USAGE);
  }
}
