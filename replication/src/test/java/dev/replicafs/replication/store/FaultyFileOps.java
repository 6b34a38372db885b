package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The test side of the labelled file-operation seam: records the label of every mutating operation
 * (write, truncate, fsync, rename, delete, directory fsync) and can, for the n-th mutating
 * operation, either fail it (throw before doing anything) or stop the "process" right after it
 * completed (throw {@link Crash}, an Error no store code catches, after which the test abandons the
 * store and reopens the directory).
 */
final class FaultyFileOps implements FileOps {
  /** What to do at the armed operation. */
  enum Action {
    FAIL,
    STOP
  }

  /** Simulates the process dying right after an operation. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash(String op) {
      super("simulated crash after " + op);
    }
  }

  private final FileOps disk = DiskFileOps.INSTANCE;
  private final List<String> mutations = Collections.synchronizedList(new ArrayList<>());
  private final List<String> opens = Collections.synchronizedList(new ArrayList<>());
  private volatile int armedAt = -1;
  private volatile Action action;
  private volatile boolean crashed;
  private volatile String armedLabel;
  private volatile String pauseLabel;
  private final java.util.concurrent.Semaphore paused = new java.util.concurrent.Semaphore(0);
  private final java.util.concurrent.CountDownLatch resumed =
      new java.util.concurrent.CountDownLatch(1);

  /**
   * Holds the first mutating operation whose label starts with {@code prefix} (and any later one)
   * until {@link #resume}, on whatever thread runs it.
   */
  void pauseAt(String prefix) {
    pauseLabel = prefix;
  }

  /** Waits until an operation is held by {@link #pauseAt}. */
  void awaitPaused() throws InterruptedException {
    if (!paused.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new AssertionError("no operation reached the pause label " + pauseLabel);
    }
  }

  /** Lets held operations go on; no operation is held after this. */
  void resume() {
    pauseLabel = null;
    resumed.countDown();
  }

  /** Labels of the mutating operations so far. */
  List<String> mutations() {
    synchronized (mutations) {
      return new ArrayList<>(mutations);
    }
  }

  /** Labels of the opens so far (reading or writing). */
  List<String> opens() {
    synchronized (opens) {
      return new ArrayList<>(opens);
    }
  }

  void clear() {
    mutations.clear();
    opens.clear();
  }

  /** Arms a fault at the {@code index}-th mutating operation counted from now. */
  void arm(int index, Action action) {
    mutations.clear();
    this.action = action;
    this.armedAt = index;
  }

  /** Arms a fault at the first mutating operation whose label starts with {@code prefix}. */
  void armLabel(String prefix, Action action) {
    mutations.clear();
    this.action = action;
    this.armedLabel = prefix;
  }

  boolean crashed() {
    return crashed;
  }

  private void before(String op) throws IOException {
    String pause = pauseLabel;
    if (pause != null && op.startsWith(pause)) {
      paused.release();
      try {
        if (!resumed.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new IOException("held at " + op + " for 60 s without resume");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while held at " + op, e);
      }
    }
    if (crashed) {
      throw new Crash("(already crashed) " + op);
    }
    int i = mutations.size();
    mutations.add(op);
    if (armedLabel != null && op.startsWith(armedLabel)) {
      armedAt = i;
      armedLabel = null;
    }
    if (i == armedAt && action == Action.FAIL) {
      throw new IOException("injected failure at " + op);
    }
  }

  private void after(String op) {
    if (mutations.size() - 1 == armedAt && action == Action.STOP) {
      crashed = true;
      throw new Crash(op);
    }
  }

  @Override
  public FileChannel open(String op, Path path, OpenOption... options) throws IOException {
    opens.add(op);
    return disk.open(op, path, options);
  }

  @Override
  public int read(String op, FileChannel ch, ByteBuffer dst, long position) throws IOException {
    return disk.read(op, ch, dst, position);
  }

  @Override
  public int write(String op, FileChannel ch, ByteBuffer src, long position) throws IOException {
    before(op);
    int n = disk.write(op, ch, src, position);
    after(op);
    return n;
  }

  @Override
  public void truncate(String op, FileChannel ch, long size) throws IOException {
    before(op);
    disk.truncate(op, ch, size);
    after(op);
  }

  @Override
  public void force(String op, FileChannel ch) throws IOException {
    before(op);
    disk.force(op, ch);
    after(op);
  }

  @Override
  public void forceData(String op, FileChannel ch) throws IOException {
    before(op);
    disk.forceData(op, ch);
    after(op);
  }

  @Override
  public long size(String op, FileChannel ch) throws IOException {
    return disk.size(op, ch);
  }

  @Override
  public void move(String op, Path source, Path target) throws IOException {
    before(op);
    disk.move(op, source, target);
    after(op);
  }

  @Override
  public boolean deleteIfExists(String op, Path path) throws IOException {
    before(op);
    boolean b = disk.deleteIfExists(op, path);
    after(op);
    return b;
  }

  @Override
  public void syncDirectory(String op, Path dir) throws IOException {
    before(op);
    disk.syncDirectory(op, dir);
    after(op);
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
