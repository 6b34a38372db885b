package dev.replicafs.cmd.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the threads of live processes wait in the kernel ({@code /proc/<pid>/status} state, {@code
 * wchan} and the first frames of {@code stack} of each task), to explain a process that does not
 * end after SIGKILL (typically blocked on a FUSE request).
 */
final class KernelWait {
  private KernelWait() {}

  static String describe(List<ProcessHandle> processes) {
    StringBuilder b = new StringBuilder();
    for (ProcessHandle p : processes) {
      if (!p.isAlive()) {
        continue;
      }
      Path proc = Path.of("/proc", Long.toString(p.pid()));
      b.append("pid ")
          .append(p.pid())
          .append(' ')
          .append(p.info().command().orElse("?"))
          .append(' ')
          .append(read(proc.resolve("status"), "State:"))
          .append('\n');
      try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
        for (Path t : tasks.sorted().toList()) {
          String wchan = read(t.resolve("wchan"), "");
          String state = read(t.resolve("status"), "State:");
          if (state.startsWith("State:\tS") && wchan.isEmpty()) {
            continue;
          }
          b.append("  task ")
              .append(t.getFileName())
              .append(' ')
              .append(read(t.resolve("comm"), ""))
              .append(' ')
              .append(state)
              .append(" wchan=")
              .append(wchan)
              .append(" stack=")
              .append(read(t.resolve("stack"), "").replace('\n', '|'))
              .append('\n');
        }
      } catch (IOException e) {
        b.append("  (tasks unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return b.toString();
  }

  /** The file's first line starting with {@code prefix} (the whole file when empty), or "". */
  private static String read(Path file, String prefix) {
    try {
      String text = Files.readString(file).strip();
      if (prefix.isEmpty()) {
        return text.length() > 600 ? text.substring(0, 600) : text;
      }
      return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
