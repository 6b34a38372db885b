package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxEncoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.LtxTrailer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The LTX files of one database, {@code <data>/dbs/<name>/ltx/%016x-%016x.ltx}. Files are written
 * to {@code <name>.ltx.tmp} and atomically renamed; a durable write then fsyncs the file and the
 * directory together. Files are immutable once named. Names that do not match the LTX pattern are
 * ignored, as LiteFS does.
 */
final class LtxFiles {
  /** Writes the page block of a file being encoded. */
  @FunctionalInterface
  interface PageWriter {
    void writePages(LtxEncoder enc) throws IOException;
  }

  /** Runs after a file is durable under its temporary name and before it is named. */
  @FunctionalInterface
  interface BeforeName {
    void check(Path tmp) throws IOException;
  }

  private static final String PENDING = ".pending";

  /**
   * Expired files kept for their inodes ({@code <seq>.free}, ignored as any non-LTX name is): a new
   * file is written over one instead of being created, and retention renames an expired file here
   * instead of unlinking it. Creating and unlinking a file per commit made ext4 without a journal
   * scan its recently freed inodes on every allocation (docs/BENCHMARKS.md).
   */
  static final String FREE = ".free";

  /**
   * Free files kept at most, by count and by bytes; retention deletes past this. In steady state as
   * many files are retired as are created, so the pool must hold a retention pass's worth.
   */
  static final int MAX_FREE = 65536;

  static final long MAX_FREE_TOTAL_BYTES = 64L << 20;

  /** Files bigger than this (snapshots, bulk loads) are deleted, not kept for reuse. */
  static final long MAX_FREE_BYTES = 256 << 10;

  /** A free file and its size. */
  private record Free(Path path, long size, long pass) {}

  /** Retention passes so far (see {@link #trimFree}). Guarded by this. */
  private long pass;

  /** Free files, oldest first; null until listed. Guarded by this. */
  private java.util.ArrayDeque<Free> free;

  /** Bytes of the free files. Guarded by this. */
  private long freeBytes;

  private long freeSeq;
  private BeforeName beforeName = tmp -> {};

  private final Path dir;
  private final FileOps ops;
  private final ConcurrentSync sync;

  /**
   * Files not yet durable (a background batch in flight included) at which a rollback-journal
   * commit stops deferring and makes them and its own file durable itself, so no more are ever
   * unsynced (docs/ARCHITECTURE.md, "Rollback-journal commits are fsynced in the background").
   */
  static final int MAX_WAITING_FOR_BACKGROUND_SYNC = 32;

  /** Files written but not yet fsynced, in the order written (see {@link #syncDeferred}). */
  private final List<LtxFileName> deferred = new ArrayList<>();

  /** Held while deferred files are fsynced, so that a sync waits for one in flight. */
  private final Object syncing = new Object();

  /** A background sync is queued and has not started. Guarded by {@link #deferred}. */
  private boolean syncQueued;

  LtxFiles(Path dir, FileOps ops, ConcurrentSync sync) {
    this.dir = dir;
    this.ops = ops;
    this.sync = sync;
  }

  Path dir() {
    return dir;
  }

  /** Sets the hook a halted replica uses to ship a commit before naming it. */
  void beforeName(BeforeName hook) {
    this.beforeName = hook;
  }

  Path path(LtxFileName name) {
    return dir.resolve(name.toString());
  }

  /** Where a verified file waits while it is applied: {@code <name>.ltx.pending}. */
  Path pendingPath(LtxFileName name) {
    return dir.resolve(name + PENDING);
  }

  /** Files left pending by an interrupted apply, ascending. */
  List<LtxFileName> pending() throws IOException {
    List<LtxFileName> out = new ArrayList<>();
    for (Path p : ops.list("LTX:LIST", dir)) {
      String n = p.getFileName().toString();
      if (n.endsWith(PENDING)) {
        LtxFileName.parse(n.substring(0, n.length() - PENDING.length())).ifPresent(out::add);
      }
    }
    out.sort(null);
    return out;
  }

  /** All LTX files, ascending by (MinTXID, MaxTXID). */
  List<LtxFileName> list() throws IOException {
    List<LtxFileName> out = new ArrayList<>();
    for (Path p : ops.list("LTX:LIST", dir)) {
      LtxFileName.parse(p.getFileName().toString()).ifPresent(out::add);
    }
    out.sort(null);
    return out;
  }

  /** The file with the highest MaxTXID, the one that records the current position. */
  Optional<LtxFileName> last() throws IOException {
    LtxFileName best = null;
    for (LtxFileName n : list()) {
      if (best == null || Long.compareUnsigned(n.maxTxid(), best.maxTxid()) > 0) {
        best = n;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Removes leftover temporary files of interrupted writes. */
  void removeTemporaryFiles(String op) throws IOException {
    for (Path p : ops.list(op, dir)) {
      if (p.getFileName().toString().endsWith(".tmp")) {
        ops.deleteIfExists(op, p);
      }
    }
  }

  /**
   * Encodes and durably writes one file: {@code prefix:LTX_OPEN}, {@code LTX_WRITE}, {@code
   * LTX_FSYNC}, {@code LTX_RENAME}, {@code LTX_FSYNC_DIR}.
   *
   * @param post the post-apply checksum, or {@code null} to let the encoder supply it (snapshots,
   *     deletions)
   */
  LtxTrailer write(String prefix, LtxHeader header, PageWriter pages, Long post)
      throws IOException {
    return write(prefix, header, pages, post, true);
  }

  /**
   * Like {@link #write(String, LtxHeader, PageWriter, Long)}; with {@code durable} false the file
   * is written and renamed without {@code LTX_FSYNC} and {@code LTX_FSYNC_DIR}, and becomes durable
   * at the next {@link #syncDeferred} (the application's next fsync, a durable commit, or close).
   * Used for WAL commits SQLite itself did not fsync ({@code synchronous=NORMAL}/{@code OFF}).
   */
  LtxTrailer write(String prefix, LtxHeader header, PageWriter pages, Long post, boolean durable)
      throws IOException {
    if (durable) {
      syncDeferred(prefix);
    }
    LtxFileName name = LtxFileName.of(header);
    Path tmp = dir.resolve(name + ".tmp");
    LtxTrailer trailer;
    Spool spool = openSpool(prefix, tmp);
    try (FileChannel ch = spool.channel()) {
      // Compressed files reach the stream in 64 KiB LZ4 blocks, which bypass a small buffer; the
      // buffer only gathers the header and trailer. Allocating 64 KiB per commit was the second
      // largest allocation of the commit path.
      LabelledOutputStream raw = new LabelledOutputStream(ops, prefix + ":LTX_WRITE", ch);
      BufferedOutputStream out =
          new BufferedOutputStream(raw, header.isCompressed() ? 1 << 13 : 1 << 16);
      LtxEncoder enc = LtxEncoder.open(out, header);
      pages.writePages(enc);
      trailer = post == null ? enc.finish() : enc.finish(post);
      out.flush();
      if (spool.reused()) {
        cutReused(prefix, ch, raw.position());
      }
    } catch (IOException | RuntimeException e) {
      try {
        ops.deleteIfExists(prefix + ":LTX_CLEANUP", tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    try {
      beforeName.check(tmp);
    } catch (IOException | RuntimeException e) {
      try {
        ops.deleteIfExists(prefix + ":LTX_CLEANUP", tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    ops.move(prefix + ":LTX_RENAME", tmp, path(name));
    if (durable) {
      // Named first, then the file and the directory fsynced together (one fsync's wait, not two):
      // the caller reports the commit only after both. A power loss in between can leave the name
      // on a torn file, which recovery finds corrupt and answers with a snapshot (ARCHITECTURE.md).
      sync.syncAll(prefix + ":LTX_FSYNC", List.of(path(name)), prefix + ":LTX_FSYNC_DIR", dir);
    } else {
      synchronized (deferred) {
        deferred.add(name);
      }
    }
    return trailer;
  }

  /**
   * Opens (creating or truncating) a temporary file; the directory is created on first use only,
   * not checked on every commit.
   */
  private FileChannel openTemporary(String prefix, Path tmp) throws IOException {
    try {
      return open(prefix, tmp);
    } catch (java.nio.file.NoSuchFileException missingDir) {
      ops.createDirectories(prefix + ":LTX_MKDIR", dir);
      return open(prefix, tmp);
    }
  }

  /** A temporary file opened for writing; {@code reused} if it is a free file's inode. */
  record Spool(FileChannel channel, boolean reused) {}

  /**
   * Opens {@code tmp} (in this directory) for a file about to be written from the start: over a
   * free file's inode when there is one (then the caller cuts it to its own length with {@link
   * #cutReused}), else a new file: for the files a primary names ({@link #write}) and those a
   * replica receives.
   */
  Spool openSpool(String prefix, Path tmp) throws IOException {
    boolean reused = reuseFree(prefix, tmp);
    return new Spool(reused ? openReused(prefix, tmp) : openTemporary(prefix, tmp), reused);
  }

  /** Cuts a file written over a reused inode to the {@code length} bytes written this time. */
  void cutReused(String prefix, FileChannel ch, long length) throws IOException {
    if (ops.size(prefix + ":LTX_SIZE", ch) > length) {
      ops.truncate(prefix + ":LTX_TRUNCATE", ch, length);
    }
  }

  /**
   * Renames the oldest free file to {@code tmp} if there is one; false if none (or it vanished).
   */
  private boolean reuseFree(String prefix, Path tmp) throws IOException {
    Path f;
    synchronized (this) {
      if (free == null || free.isEmpty()) {
        return false;
      }
      Free taken = free.poll();
      freeBytes -= taken.size();
      f = taken.path();
    }
    try {
      ops.move(prefix + ":LTX_REUSE", f, tmp);
      return true;
    } catch (java.nio.file.NoSuchFileException gone) {
      return false;
    }
  }

  private FileChannel openReused(String prefix, Path tmp) throws IOException {
    return ops.open(prefix + ":LTX_OPEN", tmp, StandardOpenOption.WRITE);
  }

  /**
   * Retires an expired file: renamed to a free file whose inode the next new file reuses (a file a
   * primary names or a replica receives), or deleted when {@link #MAX_FREE} are kept already or it
   * is bigger than {@link #MAX_FREE_BYTES}. Labels {@code prefix:LTX_FREE}, {@code prefix:DELETE}.
   */
  void retire(String prefix, LtxFileName name, long size) throws IOException {
    Path target;
    synchronized (this) {
      loadFree();
      if (free.size() >= MAX_FREE
          || size > MAX_FREE_BYTES
          || freeBytes + size > MAX_FREE_TOTAL_BYTES) {
        target = null;
      } else {
        target = dir.resolve(String.format("%016x", ++freeSeq) + FREE);
      }
    }
    if (target == null) {
      ops.deleteIfExists(prefix + ":DELETE", path(name));
      return;
    }
    try {
      ops.move(prefix + ":LTX_FREE", path(name), target);
    } catch (java.nio.file.NoSuchFileException gone) {
      return; // deleted meanwhile (a snapshot replaced the history)
    }
    synchronized (this) {
      free.add(new Free(target, size, pass));
      freeBytes += size;
    }
  }

  /** Lists the free files left by an earlier run, once. Caller holds this. */
  private void loadFree() throws IOException {
    if (free != null) {
      return;
    }
    free = new java.util.ArrayDeque<>();
    freeBytes = 0;
    List<Path> found = new ArrayList<>();
    if (java.nio.file.Files.isDirectory(dir)) {
      for (Path p : ops.list("LTX:LIST", dir)) {
        String n = p.getFileName().toString();
        if (n.endsWith(FREE)) {
          found.add(p);
          try {
            freeSeq =
                Math.max(
                    freeSeq,
                    Long.parseUnsignedLong(n.substring(0, n.length() - FREE.length()), 16));
          } catch (NumberFormatException ignored) {
            // not one of ours; still reusable
          }
        }
      }
    }
    found.sort(null);
    for (Path p : found) {
      long size = java.nio.file.Files.size(p);
      free.add(new Free(p, size, -1));
      freeBytes += size;
    }
  }

  /**
   * Deletes the free files no new file reused since the previous retention pass (labels {@code
   * prefix:DELETE}), so a database that stopped writing does not keep them: the pool holds at most
   * what one pass retired. Called at the start of each retention pass.
   */
  void trimFree(String prefix) throws IOException {
    List<Path> stale = new ArrayList<>();
    synchronized (this) {
      loadFree();
      while (!free.isEmpty() && free.peek().pass() <= pass) {
        Free f = free.poll();
        freeBytes -= f.size();
        stale.add(f.path());
      }
      pass++;
    }
    for (Path p : stale) {
      ops.deleteIfExists(prefix + ":DELETE", p);
    }
  }

  /** Lists free files left by an earlier run so new files reuse them (at open). */
  synchronized void openFree() throws IOException {
    loadFree();
  }

  private FileChannel open(String prefix, Path tmp) throws IOException {
    return ops.open(
        prefix + ":LTX_OPEN",
        tmp,
        StandardOpenOption.CREATE,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * Makes the files written with {@code durable} false durable: fsync of each (a file retention
   * already deleted is skipped) and one fsync of the directory. Labels {@code prefix:LTX_FSYNC},
   * {@code prefix:LTX_FSYNC_DIR}. Waits for a background sync in flight, so every file written
   * before the call is durable when it returns.
   */
  void syncDeferred(String prefix) throws IOException {
    synchronized (syncing) {
      List<LtxFileName> batch;
      synchronized (deferred) {
        if (deferred.isEmpty()) {
          return;
        }
        batch = new ArrayList<>(deferred);
      }
      // Thousands of files at a checkpoint after a burst of synchronous=NORMAL commits: fsynced
      // together from the store's sync pool (one journal commit where the file system allows),
      // not one after the other while SQLite's checkpoint waits. Files written meanwhile wait.
      List<Path> files = new ArrayList<>(batch.size());
      for (LtxFileName n : batch) {
        files.add(path(n));
      }
      sync.syncExisting(prefix + ":LTX_FSYNC", files, prefix + ":LTX_FSYNC_DIR", dir);
      synchronized (deferred) {
        // only this method removes, always from the front, under `syncing`
        deferred.subList(0, batch.size()).clear();
      }
    }
  }

  /** Files written without fsync and not yet made durable. */
  int deferredCount() {
    synchronized (deferred) {
      return deferred.size();
    }
  }

  /**
   * How long a background sync waits before it starts, so that the files of the commits meanwhile
   * share its directory fsync and its device flushes: at 500 rollback-journal commits/s, 5 fsyncs
   * per commit (SQLite's three, the file, the directory) became about 4.1 (docs/BENCHMARKS.md).
   */
  static final java.time.Duration BACKGROUND_SYNC_DELAY = java.time.Duration.ofMillis(10);

  /**
   * Has {@code executor} make the deferred files durable after {@link #BACKGROUND_SYNC_DELAY}
   * ({@link #syncDeferred} with label prefix {@code LTX_SYNC}); files deferred until the task
   * starts join it. A failure goes to {@code onFailure}.
   */
  void syncDeferredLater(
      java.util.concurrent.ScheduledExecutorService executor, FailureHandler onFailure) {
    synchronized (deferred) {
      if (syncQueued || deferred.isEmpty()) {
        return;
      }
      syncQueued = true;
    }
    Runnable task =
        () -> {
          synchronized (deferred) {
            syncQueued = false;
          }
          try {
            syncDeferred("LTX_SYNC");
          } catch (IOException | RuntimeException e) {
            onFailure.failed(e);
          }
        };
    try {
      executor.schedule(
          task, BACKGROUND_SYNC_DELAY.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      task.run(); // the store is closing: sync now, on the committing thread
    }
  }

  /** Hears a background sync that failed. */
  @FunctionalInterface
  interface FailureHandler {
    void failed(Exception e);
  }

  /**
   * Gives an applied pending file its final name without a directory fsync. Safe because the
   * database was fsynced before and recovery replays a pending file that continues the last one (or
   * is a snapshot): if the rename is lost, the pending name survives and is replayed. The next
   * apply's directory fsync (of its pending rename) makes this rename durable too.
   */
  void installLazily(String prefix, Path pending, LtxFileName name) throws IOException {
    ops.move(prefix + ":LTX_RENAME", pending, path(name));
  }

  /** Moves an already verified temporary file into place durably. */
  void install(String prefix, Path tmp, LtxFileName name) throws IOException {
    ops.move(prefix + ":LTX_RENAME", tmp, path(name));
    ops.syncDirectory(prefix + ":LTX_FSYNC_DIR", dir);
  }

  /** Deletes every file except {@code keep} (after a snapshot replaced the history). */
  void deleteAllExcept(String op, LtxFileName keep) throws IOException {
    for (LtxFileName n : list()) {
      if (!n.equals(keep)) {
        ops.deleteIfExists(op, path(n));
      }
    }
  }
}
