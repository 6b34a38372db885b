package dev.replicafs.replication.node;

import dev.replicafs.replication.store.DiskFileOps;
import dev.replicafs.replication.store.FileOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The real disk, except that while {@link #stall()}ed the fsync of a received LTX file ({@code
 * APPLY:LTX_FSYNC}) blocks until {@link #resume()}: a replica whose disk stalls, so it stops
 * applying and therefore stops acknowledging, while its stream stays connected. {@link
 * #stallSpool(int)} likewise blocks the creation of the n-th next received file's spool ({@code
 * APPLY:LTX_OPEN}), a replica stalled in the middle of receiving a group. Counts the fsyncs per
 * label and records the apply groups: the names of the files whose {@code APPLY:LTX_FSYNC} came
 * before each {@code APPLY:DB_FSYNC}.
 */
final class StallableFileOps implements FileOps {
  private final FileOps disk = DiskFileOps.INSTANCE;
  private boolean stalled;
  private int blocked;
  private final java.util.Map<String, Integer> forces = new java.util.HashMap<>();
  private final List<List<String>> groups = new java.util.ArrayList<>();
  private List<String> group = new java.util.ArrayList<>();
  private int spoolCountdown;
  private boolean spoolBlocked;

  /** The next {@code n}-th spool creation blocks until {@link #resumeSpool()}. */
  synchronized void stallSpool(int n) {
    spoolCountdown = n;
  }

  synchronized void resumeSpool() {
    spoolCountdown = 0;
    spoolBlocked = false;
    notifyAll();
  }

  /** Whether the replica is blocked creating a spool file right now. */
  synchronized boolean spoolBlocked() {
    return spoolBlocked;
  }

  /** The apply groups so far: the file names of each, in fsync completion order. */
  synchronized List<List<String>> groups() {
    return List.copyOf(groups);
  }

  /** How many fsyncs with this label completed. */
  synchronized int forces(String label) {
    return forces.getOrDefault(label, 0);
  }

  synchronized void stall() {
    stalled = true;
  }

  synchronized void resume() {
    stalled = false;
    notifyAll();
  }

  /** Whether an apply is blocked in the stall right now. */
  synchronized boolean blocked() {
    return blocked > 0;
  }

  @Override
  public void force(String op, FileChannel ch) throws IOException {
    if (op.startsWith("APPLY:LTX_FSYNC")) {
      synchronized (this) {
        blocked++;
        try {
          waitWhile(() -> stalled, "stalled fsync");
        } finally {
          blocked--;
        }
      }
    }
    disk.force(op, ch);
    synchronized (this) {
      forces.merge(op, 1, Integer::sum);
      if (op.equals("APPLY:DB_FSYNC")) {
        groups.add(List.copyOf(group));
        group = new java.util.ArrayList<>();
      }
    }
  }

  /** Waits while {@code stalled} holds. Caller holds this. */
  private void waitWhile(java.util.function.BooleanSupplier stalled, String what)
      throws java.io.InterruptedIOException {
    try {
      while (stalled.getAsBoolean()) {
        wait(1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(what + " interrupted");
    }
  }

  @Override
  public FileChannel open(String op, Path path, OpenOption... options) throws IOException {
    if (op.equals("APPLY:LTX_FSYNC")) {
      synchronized (this) {
        group.add(path.getFileName().toString());
      }
    } else if (op.equals("APPLY:LTX_OPEN")) {
      synchronized (this) {
        if (spoolCountdown > 0 && --spoolCountdown == 0) {
          spoolBlocked = true;
          waitWhile(() -> spoolBlocked, "stalled spool");
        }
      }
    }
    return disk.open(op, path, options);
  }

  @Override
  public int read(String op, FileChannel ch, ByteBuffer dst, long position) throws IOException {
    return disk.read(op, ch, dst, position);
  }

  @Override
  public int write(String op, FileChannel ch, ByteBuffer src, long position) throws IOException {
    return disk.write(op, ch, src, position);
  }

  @Override
  public void truncate(String op, FileChannel ch, long size) throws IOException {
    disk.truncate(op, ch, size);
  }

  @Override
  public long size(String op, FileChannel ch) throws IOException {
    return disk.size(op, ch);
  }

  @Override
  public void move(String op, Path source, Path target) throws IOException {
    disk.move(op, source, target);
  }

  @Override
  public boolean deleteIfExists(String op, Path path) throws IOException {
    return disk.deleteIfExists(op, path);
  }

  @Override
  public void syncDirectory(String op, Path dir) throws IOException {
    disk.syncDirectory(op, dir);
  }

  @Override
  public void createDirectories(String op, Path dir) throws IOException {
    disk.createDirectories(op, dir);
  }

  @Override
  public List<Path> list(String op, Path dir) throws IOException {
    return disk.list(op, dir);
  }

  @Override
  public BasicFileAttributes attributes(String op, Path path) throws IOException {
    return disk.attributes(op, path);
  }

  @Override
  public boolean exists(String op, Path path) throws IOException {
    return disk.exists(op, path);
  }
}
