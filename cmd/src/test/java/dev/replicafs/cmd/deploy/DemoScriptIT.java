package dev.replicafs.cmd.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code deploy/demo.sh} for real (three {@code replicafs mount} processes of the packaged
 * jar, the guestbook app under each node's exec, writes through the replicas' proxies) with {@code
 * DEMO_SECONDS} and {@code DEMO_SKIP_BUILD} (the package phase already built the jar), and checks
 * that it ends with the same data on every node and leaves no mount and no process behind.
 */
class DemoScriptIT {
  @Test
  void demoEndsWithTheSameDataOnEveryNodeAndCleansUp() throws Exception {
    boolean root =
        new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes())
            .trim()
            .equals("0");
    boolean ok =
        root && Files.exists(Path.of("/dev/fuse")) && Files.exists(Path.of("/usr/bin/curl"));
    if ("true".equals(System.getenv("CI")) && !ok) {
      fail("the demo needs root, /dev/fuse and curl");
    }
    assumeTrue(ok, "the demo needs root, /dev/fuse and curl");
    Path repo = RepoFiles.root();
    Path demo = repo.resolve(".demo");
    ProcessBuilder pb =
        new ProcessBuilder(repo.resolve("deploy/demo.sh").toString())
            .directory(repo.toFile())
            .redirectErrorStream(true);
    pb.environment().put("DEMO_SECONDS", "15");
    pb.environment().put("DEMO_SKIP_BUILD", "1");
    // An address range and port unlikely to be used by anything else on this machine.
    int net = ThreadLocalRandom.current().nextInt(100, 200);
    pb.environment().put("DEMO_NET", "127.0." + net);
    pb.environment().put("DEMO_PROXY_PORT", Integer.toString(30000 + net * 10));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();

    Matcher m =
        Pattern.compile("OK: same data on every node \\((\\d+) rows, (\\d+) writes accepted\\)")
            .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as(out).isPositive();
    assertThat(m.group(1)).as("rows on every node = writes accepted").isEqualTo(m.group(2));
    assertThat(out).contains("node1  primary", "node2  replica", "node3  replica");
    assertThat(out).contains("no mounts or node processes left");

    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(demo + "/");
    assertThat(
            ProcessHandle.allProcesses()
                .map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains(demo.toString())))
        .as("processes left that use " + demo)
        .isEmpty();
  }
}
