package dev.replicafs.cmd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where and when a run happened: date, cores, CPU, load, kernel, Java, the file system used. */
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
    try {
      m.put("file-system", Files.getFileStore(dir).type() + " " + Files.getFileStore(dir).name());
    } catch (IOException e) {
      m.put("file-system", "unknown");
    }
    return m;
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
