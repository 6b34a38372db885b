package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * fsyncs several files and a directory at once, from a small pool of threads ({@code
 * replicafs-sync-N}, started on demand, ended after 30 s idle), so the file system commits them
 * together: on ext4 (jbd2) and XFS concurrent fsyncs that wait for the same journal transaction
 * share one commit and one cache flush, where one after the other each pays its own (ext4 without a
 * journal shares nothing: each fsync writes its inode synchronously, so there they only overlap). A
 * group apply on a replica makes its received files durable this way (docs/ARCHITECTURE.md,
 * "Apply"); measured in docs/BENCHMARKS.md. Each call still goes through {@link FileOps} with its
 * label.
 */
final class ConcurrentSync implements AutoCloseable {
  private final FileOps ops;
  private final ThreadPoolExecutor pool;

  ConcurrentSync(FileOps ops, int threads) {
    this.ops = ops;
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            DaemonThreads.numbered("replicafs-sync"));
    this.pool.allowCoreThreadTimeOut(true);
  }

  /**
   * fsyncs every file ({@code fileLabel}) and then-or-meanwhile the directory ({@code dirLabel}),
   * and returns once all are durable; the first failure is thrown after every call finished.
   */
  void syncAll(String fileLabel, List<Path> files, String dirLabel, Path dir) throws IOException {
    syncAll(fileLabel, files, dirLabel, dir, false);
  }

  /**
   * Like {@link #syncAll(String, List, String, Path)}, but a file that no longer exists (deleted by
   * retention or replaced by a snapshot since it was written) is skipped: nothing to make durable.
   */
  void syncExisting(String fileLabel, List<Path> files, String dirLabel, Path dir)
      throws IOException {
    syncAll(fileLabel, files, dirLabel, dir, true);
  }

  private void syncAll(
      String fileLabel, List<Path> files, String dirLabel, Path dir, boolean skipMissing)
      throws IOException {
    if (files.isEmpty()) {
      ops.syncDirectory(dirLabel, dir);
      return;
    }
    if (files.size() == 1) {
      // The common case (one commit's file, a replica's group of one): the directory from the pool
      // while this thread fsyncs the file, so the caller waits one fsync, not two in a row.
      Future<?> dirSync =
          pool.submit(
              () -> {
                ops.syncDirectory(dirLabel, dir);
                return null;
              });
      Throwable first = null;
      try {
        force(fileLabel, files.get(0), skipMissing);
      } catch (IOException | RuntimeException e) {
        first = e;
      }
      Throwable dirFailure = await(dirSync);
      first = first != null ? first : dirFailure;
      rethrow(first);
      return;
    }
    List<Future<?>> running = new ArrayList<>(files.size() + 1);
    for (Path f : files) {
      running.add(
          pool.submit(
              () -> {
                force(fileLabel, f, skipMissing);
                return null;
              }));
    }
    running.add(
        pool.submit(
            () -> {
              ops.syncDirectory(dirLabel, dir);
              return null;
            }));
    Throwable first = null;
    for (Future<?> f : running) {
      Throwable t = await(f);
      first = first != null ? first : t;
    }
    rethrow(first);
  }

  /** Waits for {@code f} (uninterruptibly, keeping the interrupt); returns its failure or null. */
  private static Throwable await(Future<?> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          f.get();
          return null;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          return e.getCause();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void rethrow(Throwable t) throws IOException {
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
  }

  /**
   * Starts writing a large file back while it is still being written: after every {@link
   * Writeback#STEP} bytes it fsyncs the channel from the pool (at most one fsync in flight per
   * file), so the disk works while the replica receives and decodes instead of taking the whole
   * file at the final fsync. The early fsyncs promise nothing; the caller's own final fsync is
   * still the durability point.
   */
  Writeback writeback(String label, FileChannel ch) {
    return new Writeback(label, ch);
  }

  /** Background fsyncs of one file being written; see {@link #writeback}. Not thread-safe. */
  final class Writeback {
    static final long STEP = 32L << 20;
    private final String label;
    private final FileChannel ch;
    private long since;
    private Future<?> running;

    private Writeback(String label, FileChannel ch) {
      this.label = label;
      this.ch = ch;
    }

    /** Records {@code n} more bytes written. */
    void wrote(long n) throws IOException {
      since += n;
      if (since < STEP || (running != null && !running.isDone())) {
        return;
      }
      finish();
      since = 0;
      running =
          pool.submit(
              () -> {
                ops.force(label, ch);
                return null;
              });
    }

    /** Waits for the fsync in flight, if any; throws its failure. */
    void finish() throws IOException {
      Future<?> r = running;
      running = null;
      if (r == null) {
        return;
      }
      try {
        r.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while a writeback fsync ran");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw (Error) e.getCause();
      }
    }
  }

  private void force(String label, Path file, boolean skipMissing) throws IOException {
    try (FileChannel ch = ops.open(label, file, StandardOpenOption.WRITE)) {
      ops.force(label, ch);
    } catch (java.nio.file.NoSuchFileException gone) {
      if (!skipMissing) {
        throw gone;
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
