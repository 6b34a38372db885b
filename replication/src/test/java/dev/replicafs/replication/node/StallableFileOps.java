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
 * applying and therefore stops acknowledging, while its stream stays connected. Counts the fsyncs
 * per label.
 */
final class StallableFileOps implements FileOps {
  private final FileOps disk = DiskFileOps.INSTANCE;
  private boolean stalled;
  private int blocked;
  private final java.util.Map<String, Integer> forces = new java.util.HashMap<>();

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
          while (stalled) {
            wait(1_000);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("stalled fsync interrupted");
        } finally {
          blocked--;
        }
      }
    }
    disk.force(op, ch);
    synchronized (this) {
      forces.merge(op, 1, Integer::sum);
    }
  }

  @Override
  public FileChannel open(String op, Path path, OpenOption... options) throws IOException {
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
