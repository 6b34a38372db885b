package dev.replicafs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's table of mounts ({@code /proc/self/mountinfo}) and the two commands that remove a
 * FUSE mount.
 *
 * <p>A line of mountinfo is {@code id parent major:minor root mountpoint options [optional...] -
 * fstype source superoptions}; the mount point is octal-escaped ({@code \040} for a space).
 */
final class MountTable {
  private static final Logger log = LoggerFactory.getLogger(MountTable.class);
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /**
   * One mounted file system: where, of which type, from which source, and its device ({@code
   * major:minor}; for FUSE the minor names the connection under {@code /sys/fs/fuse/connections}).
   */
  record Entry(Path mountPoint, String fsType, String source, String device) {}

  private MountTable() {}

  /** The mount whose mount point is exactly {@code mountPoint}, the last one if stacked. */
  static Optional<Entry> find(Path mountPoint) throws IOException {
    Path wanted = mountPoint.toAbsolutePath().normalize();
    Entry found = null;
    for (String line : Files.readAllLines(MOUNTINFO)) {
      Entry e = parse(line);
      if (e != null && e.mountPoint().equals(wanted)) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  static Entry parse(String line) {
    String[] f = line.split(" ");
    int dash = List.of(f).indexOf("-");
    if (f.length < 5 || dash < 0 || dash + 2 >= f.length) {
      return null;
    }
    return new Entry(Path.of(unescape(f[4])), f[dash + 1], f[dash + 2], f[2]);
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Removes a FUSE mount left at {@code mountPoint} (by a crashed process: "Transport endpoint is
   * not connected"). Lazy, so a process still holding a file there does not block the new mount.
   *
   * @return true when there was one
   */
  static boolean removeStale(Path mountPoint) throws IOException {
    Optional<Entry> e = find(mountPoint);
    if (e.isEmpty() || !e.get().fsType().startsWith("fuse")) {
      return false;
    }
    log.warn("removing stale fuse mount mountpoint={} type={}", mountPoint, e.get().fsType());
    // A SIGKILLed node can stay in the kernel forever: one of its threads waits uninterruptibly on
    // a request or page of its own mount that no thread is left to answer, and the connection is
    // only torn down when that process's descriptors are released, which its stuck thread
    // prevents. Aborting the connection ends every wait (with ENOTCONN), so the old process exits.
    FuseConnection.abort(e.get());
    if (!run("fusermount", "-u", "-z", mountPoint.toString())) {
      run("umount", "-l", mountPoint.toString());
    }
    if (find(mountPoint).filter(x -> x.fsType().startsWith("fuse")).isPresent()) {
      throw new IOException(
          "cannot remove the stale mount at " + mountPoint + ": run 'fusermount -u -z' on it");
    }
    return true;
  }

  /** Unmounts; lazily when busy. */
  static void unmount(Path mountPoint) throws IOException {
    if (!run("fusermount", "-u", mountPoint.toString())) {
      log.warn("mount busy, unmounting lazily mountpoint={}", mountPoint);
      if (!run("fusermount", "-u", "-z", mountPoint.toString())) {
        run("umount", "-l", mountPoint.toString());
      }
    }
  }

  private static boolean run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      if (p.exitValue() != 0) {
        log.debug(
            "command failed cmd={} exit={} output={}", String.join(" ", cmd), p.exitValue(), out);
      }
      return p.exitValue() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", cmd), e);
    }
  }
}
