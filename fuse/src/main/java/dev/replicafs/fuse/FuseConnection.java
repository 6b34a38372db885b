package dev.replicafs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the kernel side of a FUSE mount ({@code /sys/fs/fuse/connections/<minor>/abort}, the
 * fusectl file system): every request waiting on it fails with {@code ENOTCONN} at once. Used on a
 * stale mount, whose daemon is gone or stuck, never on a live one of ours.
 */
public final class FuseConnection {
  private static final Logger log = LoggerFactory.getLogger(FuseConnection.class);
  private static final Path CONNECTIONS = Path.of("/sys/fs/fuse/connections");

  private FuseConnection() {}

  /**
   * Aborts the FUSE connection mounted at {@code mountPoint}.
   *
   * @return true when an abort was written; false when nothing FUSE is mounted there or fusectl is
   *     not available (then only unmounting is possible)
   */
  public static boolean abort(Path mountPoint) throws IOException {
    Optional<MountTable.Entry> e = MountTable.find(mountPoint);
    return e.isPresent() && e.get().fsType().startsWith("fuse") && abort(e.get());
  }

  static boolean abort(MountTable.Entry e) {
    String device = e.device();
    int colon = device.indexOf(':');
    if (colon < 0) {
      return false;
    }
    Path abort = CONNECTIONS.resolve(device.substring(colon + 1)).resolve("abort");
    if (!Files.exists(abort)) {
      mountFusectl();
    }
    if (!Files.exists(abort)) {
      log.debug("no fusectl abort file for mountpoint={} path={}", e.mountPoint(), abort);
      return false;
    }
    try {
      Files.writeString(abort, "1\n");
      log.warn("aborted the fuse connection of mountpoint={} device={}", e.mountPoint(), device);
      return true;
    } catch (IOException ex) {
      log.warn(
          "cannot abort the fuse connection of mountpoint={}: {}", e.mountPoint(), ex.toString());
      return false;
    }
  }

  /** fusectl is not always mounted (it is on systemd hosts); root can mount it. Best effort. */
  private static void mountFusectl() {
    if (!Files.isDirectory(CONNECTIONS)) {
      return;
    }
    try {
      Process p =
          new ProcessBuilder("mount", "-t", "fusectl", "fusectl", CONNECTIONS.toString())
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      log.debug("cannot mount fusectl: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
