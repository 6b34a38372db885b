package dev.replicafs.cmd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineTest {
  @TempDir Path sys;

  @Test
  void cpuIdleNamesDriverGovernorAndHaltPollWindow() throws IOException {
    Path idle = Files.createDirectories(sys.resolve("devices/system/cpu/cpuidle"));
    Files.writeString(idle.resolve("current_driver"), "haltpoll\n");
    Files.writeString(idle.resolve("current_governor"), "haltpoll\n");
    Path poll = Files.createDirectories(sys.resolve("module/haltpoll/parameters"));
    Files.writeString(poll.resolve("guest_halt_poll_ns"), "0\n");

    assertThat(Machine.cpuIdle(sys))
        .isEqualTo("driver haltpoll, governor haltpoll, guest_halt_poll_ns 0");
  }

  @Test
  void cpuIdleWithoutHaltPollLeavesTheWindowOut() throws IOException {
    Path idle = Files.createDirectories(sys.resolve("devices/system/cpu/cpuidle"));
    Files.writeString(idle.resolve("current_driver"), "intel_idle\n");
    Files.writeString(idle.resolve("current_governor"), "menu\n");

    assertThat(Machine.cpuIdle(sys)).isEqualTo("driver intel_idle, governor menu");
  }

  @Test
  void cpuIdleWithoutCpuidleSaysNone() {
    assertThat(Machine.cpuIdle(sys)).isEqualTo("driver none, governor none");
  }

  @Test
  void cpuIdleOfThisMachineMatchesItsFiles() throws IOException {
    Path idle = Path.of("/sys/devices/system/cpu/cpuidle/current_driver");
    String expectedDriver = Files.isReadable(idle) ? Files.readString(idle).trim() : "none";
    assertThat(Machine.cpuIdle(Path.of("/sys"))).startsWith("driver " + expectedDriver + ", ");
  }
}
