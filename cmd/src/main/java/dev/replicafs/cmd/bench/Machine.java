package dev.replicafs.cmd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where and when a run happened: date, cores, CPU, load, kernel, Java, how idle CPUs wait, the file
 * system used.
 */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe(Path dir) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", Instant.now().toString());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", firstLine(Path.of("/proc/cpuinfo"), "model name"));
    m.put("load", read(Path.of("/proc/loadavg")));
    m.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("cpu-idle", cpuIdle(Path.of("/sys")));
    try {
      m.put("file-system", Files.getFileStore(dir).type() + " " + Files.getFileStore(dir).name());
    } catch (IOException e) {
      m.put("file-system", "unknown");
    }
    return m;
  }

  /**
   * The cpuidle driver and governor, and the guest halt-poll window when the haltpoll driver is
   * loaded: on a VM whose idle vCPUs halt at once ({@code guest_halt_poll_ns 0}) every wake-up of
   * an idle vCPU is a round trip through the host, and a FUSE request that wakes a daemon thread on
   * the other vCPU costs several times one served on the same vCPU (docs/BENCHMARKS.md, "Where the
   * threads run"). Figures from machines that differ here are not comparable.
   */
  static String cpuIdle(Path sys) {
    Path idle = sys.resolve("devices/system/cpu/cpuidle");
    String driver = readOr(idle.resolve("current_driver"), "none");
    String governor = readOr(idle.resolve("current_governor"), "none");
    String out = "driver " + driver + ", governor " + governor;
    Path poll = sys.resolve("module/haltpoll/parameters/guest_halt_poll_ns");
    if (Files.isReadable(poll)) {
      out += ", guest_halt_poll_ns " + readOr(poll, "unknown");
    }
    return out;
  }

  private static String readOr(Path p, String absent) {
    try {
      String v = Files.readString(p).trim();
      return v.isEmpty() ? absent : v;
    } catch (IOException e) {
      return absent;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String firstLine(Path p, String key) {
    try {
      return Files.readAllLines(p).stream()
          .filter(l -> l.startsWith(key))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
