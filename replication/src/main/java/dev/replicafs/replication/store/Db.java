package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.sqlite.DatabaseHeader;
import dev.replicafs.replication.sqlite.JournalHeader;
import dev.replicafs.replication.sqlite.JournalMode;
import dev.replicafs.replication.sqlite.PositionalSource;
import dev.replicafs.replication.sqlite.SqliteFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replicated database and every byte of its files ({@code database}, {@code journal}, {@code
 * wal}, {@code shm} under {@code <data>/dbs/<name>/}). The FUSE layer calls these methods instead
 * of touching the files, so that dirty-page tracking, checksums, commit detection and apply have a
 * single owner (docs/ARCHITECTURE.md, "The store and the seam the FUSE layer uses").
 *
 * <p>State kept per database, all guarded by one lock: the position ({@link #pos()}), the per-page
 * checksums of the logical content, the pages written since the last rollback-journal commit, and
 * the {@link WalState}. Commit detection:
 *
 * <ul>
 *   <li>Rollback journal: database writes mark pages dirty; removing the journal (DELETE),
 *       truncating it to 0 (TRUNCATE) or zeroing its 28-byte header (PERSIST) commits through
 *       {@link JournalCommitter} before the journal change reaches the disk.
 *   <li>WAL: WAL writes are accepted only while a connection holds the shm WRITE lock; releasing it
 *       commits through {@link WalCommitter}. Database writes in WAL mode are checkpoint copies and
 *       change no checksum.
 * </ul>
 *
 * <p>The {@link CommitGate} runs with the lock released and before the call that completed the
 * transaction returns; for rollback journals before the journal is invalidated (docs/SYNC.md). This
 * class is the seam and the state; the paths live in {@link JournalCommitter}, {@link
 * WalCommitter}, {@link LtxApplier}, {@link SnapshotWriter} and {@link DbRecovery}.
 *
 * <p>Size: this class is longer than the 400-line guideline because it is the whole FUSE seam, a
 * dozen public methods of a few lines each (one per kernel request), plus the small state helpers
 * those paths share under the one lock; splitting the seam would spread the locking rules over
 * several classes.
 */
public final class Db implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Db.class);
  private static final java.time.Duration INTERNAL_LOCK_TIMEOUT = java.time.Duration.ofSeconds(30);

  final String name;
  final Store store;
  final DbFiles files;
  final LtxFiles ltx;
  final FileOps ops;
  final ReentrantLock mu = new ReentrantLock();
  private final java.util.concurrent.locks.Condition noWriteTransaction = mu.newCondition();

  volatile PageChecksums checksums = new PageChecksums(0);
  final BitSet dirty = new BitSet();
  boolean allDirty;
  volatile boolean walMode;
  final WalState wal = new WalState();

  /** Which writes are already durable, so a commit can skip an fsync SQLite just did. */
  final SyncTracker syncs = new SyncTracker();

  final List<SnapshotCapture> captures = new CopyOnWriteArrayList<>();
  private final LockTable locks;
  final ReplicaHalt halt = new ReplicaHalt(this);
  private volatile Pos pos = Pos.ZERO;
  private volatile long posTimestamp;

  /** The last committed transaction's position: {@link #pos} or ahead of it by the queued files. */
  private volatile Pos tip = Pos.ZERO;

  /** Serializes applies: a group's fsync and final names run after the locks are released. */
  private final Object applies = new Object();

  /** Names WAL commits' LTX files after the lock release (owner of the queue). */
  final LtxNamer namer;

  /** The last journal commit's gate failed; the next journal commit is SQLite's rollback of it. */
  private boolean revertPending;

  Db(String name, Path dir, Store store, FileOps ops) {
    this.name = name;
    this.store = store;
    this.ops = ops;
    this.files = new DbFiles(dir, ops);
    this.ltx = new LtxFiles(dir.resolve("ltx"), ops, store.concurrentSync());
    this.locks = new LockTable(name);
    this.namer = new LtxNamer(this, store.namingThread(), store.namingInterval());
    this.locks.addListener(owner -> walWriteLockReleased());
    this.ltx.beforeName(
        tmp -> {
          if (!store.isPrimary() && halt.isHeld()) {
            halt.beforeNamed(tmp);
          }
        });
  }

  // ---- the halt lock (docs/LOCKS.md, "The halt lock") ----

  /**
   * Takes this database's halt lock for {@code holder} (the FUSE lock owner): a no-op on the
   * primary; on a replica the primary halts its writers and this replica catches up to its
   * position, then accepts writes and ships each commit to the primary.
   *
   * @param block wait (at most 10 s) for a halt another holder holds; otherwise answer false
   * @return false if another holder holds it and {@code block} is false
   */
  public boolean acquireHalt(long handle, boolean block) throws IOException {
    return store.isPrimary() || halt.acquire(handle, block);
  }

  /** Releases the halt lock if {@code holder} holds it (rolls back a hot journal first). */
  public void releaseHalt(long handle) {
    halt.release(handle);
  }

  /** Whether files may be opened for writing: the node is primary or holds the halt lock. */
  public boolean isWritable() {
    return store.isPrimary() || halt.isHeld();
  }

  /**
   * Primary side of a halt: takes the lock table's write lock for a remote writer, so no SQLite
   * writer on this node starts until the returned guard is closed.
   */
  public LockGuard haltWrites(java.time.Duration timeout) throws IOException {
    try {
      return drained(
          locks.acquireWriteLock(walMode ? JournalMode.WAL : JournalMode.ROLLBACK, timeout));
    } catch (LockTimeoutException e) {
      throw new StoreException("could not halt writes on db=" + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while halting db=" + name, e);
    }
  }

  /**
   * Primary side of {@code POST /tx}: verifies and applies an LTX file written by the halt holder,
   * under the write lock {@code guard} taken by {@link #haltWrites}; listeners (the stream) hear
   * the new position as for any recorded file.
   */
  public Pos applyHalted(java.io.InputStream ltxFile, LockGuard guard) throws IOException {
    java.util.Objects.requireNonNull(guard, "guard");
    try (ReceivedLtx r = receive(ltxFile)) {
      LtxApplier.Verified v = r.take(this);
      mu.lock();
      try {
        return LtxGroupApplier.applyChecked(this, List.of(v)).complete().get(0);
      } finally {
        mu.unlock();
      }
    }
  }

  /** Rolls back a hot journal a failed halted commit left (replica, after the halt ended). */
  void rollBackHotJournal() throws IOException {
    if (!files.exists(FileKind.JOURNAL) || (dirty.isEmpty() && !allDirty)) {
      return;
    }
    try (LockGuard guard = acquireWriteLock()) {
      mu.lock();
      try {
        if (files.exists(FileKind.JOURNAL) && (!dirty.isEmpty() || allDirty)) {
          rollBackUnownedJournal();
        }
      } finally {
        mu.unlock();
      }
    }
  }

  /**
   * Rolls back a rollback journal no SQLite connection owns, once none is in a transaction (it
   * waits for the write lock): on a node that stopped being primary, the journal its last, refused
   * transaction left. Without this its readers would find the journal hot and fail with {@code
   * SQLITE_READONLY}, and the database file would keep the refused pages until the next apply.
   */
  public void rollBackAbandonedJournal() throws IOException {
    if (!files.exists(FileKind.JOURNAL)) {
      return;
    }
    try (LockGuard guard = acquireWriteLock()) {
      mu.lock();
      try {
        if (JournalRollback.isHot(this)) {
          rollBackUnownedJournal();
        }
      } finally {
        mu.unlock();
      }
    }
  }

  /** Whether a rollback journal file exists. */
  boolean hasJournal() {
    return files.exists(FileKind.JOURNAL);
  }

  /**
   * Rolls back the journal as SQLite's hot-journal playback would and forgets dirty pages. Caller
   * holds the write lock (so no SQLite transaction owns the journal) and {@link #mu}.
   */
  void rollBackUnownedJournal() throws IOException {
    long size =
        files.exists(FileKind.DATABASE) ? files.size(FileKind.DATABASE, "RECOVER:DB_SIZE") : 0;
    JournalRollback.rollback(this);
    clearDirty();
    store.invalidator().invalidateDatabase(name, 0, Math.max(size, 1));
  }

  /**
   * The SQLite lock bytes of this database and its shm, shared by every FUSE lock owner. Releasing
   * the shm WRITE lock (byte 120) commits the WAL transaction it covered.
   */
  public LockTable locks() {
    return locks;
  }

  /** The database name as shown in the mount. */
  public String name() {
    return name;
  }

  /** The database's directory, {@code <data>/dbs/<name>}. */
  public Path dir() {
    return files.dir();
  }

  /** Path of one of the database's real files. */
  public Path path(FileKind kind) {
    return files.path(kind);
  }

  /**
   * The named position: TXID and post-apply checksum of the last LTX file on disk, the one the
   * stream ships. On a primary a WAL commit is named shortly after SQLite's commit returns; {@link
   * #committedPos()} is ahead of this until then.
   */
  public Pos pos() {
    return pos;
  }

  /**
   * The position of the last committed transaction, named or not yet: what a client that just wrote
   * must wait for (the proxy's {@code __txid}, the {@code -pos} file). Equals {@link #pos()} on
   * replicas and whenever no file is waiting to be named.
   */
  public Pos committedPos() {
    return tip;
  }

  /**
   * Waits until every committed transaction's LTX file is named ({@link #pos()} equals {@link
   * #committedPos()}), for callers that need the files and the database to agree.
   */
  public void drainNaming() throws IOException {
    namer.drain();
  }

  /** Whether every committed transaction's LTX file is named. */
  public boolean namingIdle() {
    return namer.idle();
  }

  /** Timestamp (ms since the epoch) of the LTX file that recorded the current position. */
  public long posTimestamp() {
    return posTimestamp;
  }

  /** Page size in bytes, or 0 while the database has no committed pages. */
  public int pageSize() {
    return checksums.pageSize();
  }

  /** Number of pages of the committed database (0 when empty or deleted). */
  public long pageCount() {
    mu.lock();
    try {
      return checksums.count();
    } finally {
      mu.unlock();
    }
  }

  /** Whether the committed database is in WAL mode (header bytes 18 and 19 are 2). */
  public boolean isWalMode() {
    return walMode;
  }

  /** Whether the file exists. */
  public boolean exists(FileKind kind) {
    return files.exists(kind);
  }

  /**
   * Positional read into {@code dst}; returns the bytes read (0 at end of file).
   *
   * @throws NotFoundException if the file does not exist
   */
  public int read(FileKind kind, ByteBuffer dst, long offset) throws IOException {
    FileChannel ch = files.required(name, kind);
    try {
      return Math.max(0, ops.read("FILE:READ_" + kind, ch, dst, offset));
    } catch (java.nio.channels.ClosedChannelException e) {
      // A snapshot apply renamed a new file over this one and closed the old channel mid-read.
      FileChannel now = files.required(name, kind);
      if (now == ch) {
        throw e;
      }
      return Math.max(0, ops.read("FILE:READ_" + kind, now, dst, offset));
    }
  }

  /**
   * Positional write of all of {@code src}; returns the bytes written. See the class comment for
   * what each kind of write means.
   *
   * @throws ReadOnlyReplicaException on a replica (except for the shm)
   * @throws WalWriteRefusedException for a WAL write without the shm WRITE lock
   * @throws NotFoundException if the file does not exist (create it first)
   */
  public int write(FileKind kind, ByteBuffer src, long offset) throws IOException {
    if (kind == FileKind.SHM) {
      return ops.write("FILE:WRITE_SHM", files.required(name, kind), src, offset);
    }
    requireWritable();
    int n;
    mu.lock();
    try {
      FileChannel ch = files.required(name, kind);
      switch (kind) {
        case DATABASE -> {
          DatabaseWriteCheck.write(name, src, offset);
          beforeDatabaseWrite(offset, src.remaining());
          syncs.wrote(kind);
          n = ops.write("FILE:WRITE_DATABASE", ch, src, offset);
        }
        case JOURNAL -> {
          if (offset == 0 && isZeroHeader(src) && journalHasMagic()) {
            gateJournalCommit(JournalCommitter.commit(this, "PERSIST"));
            ch = files.required(name, kind);
          }
          n = ops.write("FILE:WRITE_JOURNAL", ch, src, offset);
        }
        case WAL -> {
          beforeWalWrite(offset, src);
          syncs.wrote(kind);
          n = ops.write("FILE:WRITE_WAL", ch, src, offset);
        }
        default -> throw new IllegalStateException(kind.toString());
      }
    } finally {
      mu.unlock();
    }
    return n;
  }

  /** Sets the size of a file; a journal truncated to 0 commits (TRUNCATE mode). */
  public void truncate(FileKind kind, long size) throws IOException {
    if (size < 0) {
      throw new InvalidWriteException("negative size " + size + " for db=" + name);
    }
    if (kind == FileKind.SHM) {
      ops.truncate("FILE:TRUNCATE_SHM", files.required(name, kind), size);
      return;
    }
    requireWritable();
    mu.lock();
    try {
      FileChannel ch = files.required(name, kind);
      switch (kind) {
        case DATABASE -> {
          DatabaseWriteCheck.truncate(name, size, checksums.pageSize(), checksums.count());
          beforeDatabaseTruncate(size);
        }
        case JOURNAL -> {
          if (size == 0) {
            gateJournalCommit(JournalCommitter.commit(this, "TRUNCATE"));
            ch = files.required(name, kind);
          }
        }
        case WAL -> {
          if (size != 0) {
            throw new InvalidWriteException(
                "the WAL can only be truncated to 0 bytes: db=" + name + " size=" + size);
          }
          endWalGeneration();
        }
        default -> throw new IllegalStateException(kind.toString());
      }
      syncs.wrote(kind);
      ops.truncate("FILE:TRUNCATE_" + kind, ch, size);
    } finally {
      mu.unlock();
    }
  }

  /**
   * Creates the file empty if it does not exist. On a replica only the WAL and shm may be created
   * (SQLite readers open them), and only empty.
   */
  public void create(FileKind kind) throws IOException {
    if (kind == FileKind.JOURNAL || (kind == FileKind.DATABASE && !files.exists(kind))) {
      requireWritable();
    }
    mu.lock();
    try {
      files.create(kind, "FILE:CREATE_" + kind);
    } finally {
      mu.unlock();
    }
  }

  /**
   * Removes a file. Removing the journal commits (DELETE mode); removing the {@link
   * FileKind#DATABASE} drops the database.
   */
  public void remove(FileKind kind) throws IOException {
    if (kind == FileKind.DATABASE) {
      store.drop(name);
      return;
    }
    if (kind == FileKind.JOURNAL || (kind == FileKind.WAL && files.size(kind, "FILE:SIZE") > 0)) {
      requireWritable();
    }
    mu.lock();
    try {
      files.required(name, kind);
      if (kind == FileKind.JOURNAL) {
        gateJournalCommit(JournalCommitter.commit(this, "DELETE"));
        files.required(name, kind);
      } else if (kind == FileKind.WAL) {
        endWalGeneration();
      }
      files.delete(kind, "FILE:DELETE_" + kind);
    } finally {
      mu.unlock();
    }
  }

  /**
   * Makes a file's contents durable: with {@code dataOnly} as {@code fdatasync} (what SQLite asks
   * for on Linux: the inode is written only when reading the data back needs it, e.g. a new size),
   * else as {@code fsync}.
   */
  public void sync(FileKind kind, boolean dataOnly) throws IOException {
    long generation = syncs.generation(kind);
    FileChannel ch = files.required(name, kind);
    if (dataOnly) {
      ops.forceData("FILE:FDATASYNC_" + kind, ch);
    } else {
      ops.force("FILE:FSYNC_" + kind, ch);
    }
    syncs.synced(kind, generation);
  }

  /**
   * {@code fdatasync}s {@code kind} unless every write to it is already durable (SQLite synced it).
   */
  void forceUnlessDurable(String label, FileKind kind) throws IOException {
    if (syncs.isDurable(kind)) {
      return;
    }
    long generation = syncs.generation(kind);
    ops.forceData(label, files.required(name, kind));
    syncs.synced(kind, generation);
  }

  /** Size of a file in bytes. */
  public long size(FileKind kind) throws IOException {
    return ops.size("FILE:SIZE", files.required(name, kind));
  }

  /**
   * Called when a connection released the shm WRITE lock: records the WAL transactions it
   * committed. The lock is already released, so SQLite cannot see a failure: it goes to the store's
   * fatal handler.
   */
  public void walWriteLockReleased() {
    try {
      PositionEvent event;
      mu.lock();
      try {
        event = WalCommitter.commit(this);
      } finally {
        mu.unlock();
      }
      awaitGate(event);
    } catch (CommitNotConfirmedException e) {
      // SQLite ignores errors from the unlock: the commit stands (docs/SYNC.md, "WAL mode")
      log.error(
          "sync commit not confirmed; WAL mode cannot fail a commit: db={} reason={}",
          name,
          e.getMessage());
    } catch (IOException | RuntimeException e) {
      store.fatal(name, "wal commit failed after the write lock was released", e);
    }
  }

  /**
   * Applies an LTX file received from the primary: {@link #receive} and {@link #apply(List)} of a
   * group of one.
   *
   * @return the new position
   * @throws LtxApplyException if the file is corrupt or does not continue the position; nothing is
   *     changed then
   */
  public Pos apply(java.io.InputStream ltxFile) throws IOException {
    try (ReceivedLtx r = receive(ltxFile)) {
      List<Pos> p = apply(List.of(r));
      return p.get(p.size() - 1);
    }
  }

  /**
   * Spools and decodes one LTX file from the primary without applying it or fsyncing it: a corrupt
   * file is refused here ({@link LtxApplyException} CORRUPT) and nothing changes. Apply it with
   * {@link #apply(List)}; closing the result discards it if it was not applied.
   */
  public ReceivedLtx receive(java.io.InputStream ltxFile) throws IOException {
    return new ReceivedLtx(this, LtxApplier.receive(this, ltxFile));
  }

  /**
   * Applies received files of this database in TXID order as one group: one fsync per spooled file,
   * one directory fsync and one database fsync for the whole group; positions advance per file in
   * order (docs/ARCHITECTURE.md, "Apply (replica)"). A snapshot is a group of its own. Every file
   * is discarded (closed) afterwards.
   *
   * @return the position after each file, in order (a file this node had already recorded gives the
   *     current position)
   * @throws LtxApplyException for the first file that does not continue the position or does not
   *     give its post-apply checksum: the files before it are applied, it and the later ones are
   *     not
   */
  public List<Pos> apply(List<ReceivedLtx> group) throws IOException {
    try {
      List<LtxApplier.Verified> files = new java.util.ArrayList<>(group.size());
      for (ReceivedLtx r : group) {
        files.add(r.take(this));
      }
      synchronized (applies) {
        LtxGroupApplier.Applied applied;
        try (LockGuard guard = acquireWriteLock()) {
          mu.lock();
          try {
            applied = LtxGroupApplier.apply(this, files);
          } finally {
            mu.unlock();
          }
        }
        // The database fsync and final names after the locks: readers see the group one fsync
        // earlier; it is durable in its pending files already (docs/ARCHITECTURE.md).
        return applied.complete();
      }
    } finally {
      for (ReceivedLtx r : group) {
        r.close();
      }
    }
  }

  /**
   * A file this node already recorded (its own halted commit, streamed back by the primary): the
   * same single-transaction file at or below the current TXID, with the same file checksum.
   */
  boolean isCurrent(LtxApplier.Verified v) throws IOException {
    LtxHeader h = v.header();
    if (h.isSnapshot()
        || h.minTxid() != h.maxTxid()
        || Long.compareUnsigned(h.maxTxid(), pos.txid()) > 0) {
      return false;
    }
    Path local = ltx.path(dev.replicafs.replication.ltx.LtxFileName.of(h));
    if (!java.nio.file.Files.exists(local)) {
      return false;
    }
    byte[] tail = new byte[dev.replicafs.replication.ltx.LtxTrailer.SIZE];
    try (FileChannel ch =
        ops.open("APPLY:LTX_READ", local, java.nio.file.StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.wrap(tail);
      long at = ch.size() - tail.length;
      while (b.hasRemaining() && at >= 0) {
        int n = ch.read(b, at + b.position());
        if (n < 0) {
          return false;
        }
      }
    }
    boolean same =
        dev.replicafs.replication.ltx.LtxTrailer.decode(tail, 0).fileChecksum()
            == v.trailer().fileChecksum();
    if (same) {
      log.debug("skipped ltx file already recorded: db={} txid={}", name, h.maxTxid());
    }
    return same;
  }

  /**
   * Streams a snapshot LTX file of the current position to {@code out}, without holding the
   * database lock while streaming; returns its header.
   */
  public LtxHeader writeSnapshot(java.io.OutputStream out) throws IOException {
    return SnapshotWriter.write(this, out);
  }

  /** Names of the LTX files of this database, ascending. */
  public java.util.List<dev.replicafs.replication.ltx.LtxFileName> ltxFiles() throws IOException {
    return ltx.list();
  }

  /**
   * The LTX file whose MinTXID is {@code txid}: {@code <txid>-<txid>.ltx} for a single transaction,
   * or a file the naming thread merged several transactions into ({@link LtxNamer#merge}), looked
   * up in the recently merged names and else in the directory. Empty if there is none (retention
   * deleted it, or it never existed).
   */
  public Optional<dev.replicafs.replication.ltx.LtxFileName> ltxFileFrom(long txid)
      throws IOException {
    var single = new dev.replicafs.replication.ltx.LtxFileName(txid, txid);
    if (java.nio.file.Files.exists(ltx.path(single))) {
      return Optional.of(single);
    }
    var merged = namer.mergedFrom(txid);
    if (merged != null && java.nio.file.Files.exists(ltx.path(merged))) {
      return Optional.of(merged);
    }
    for (var n : ltx.list()) {
      if (n.minTxid() == txid) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /** Path of one LTX file (to stream it to a replica). */
  public Path ltxPath(dev.replicafs.replication.ltx.LtxFileName name) {
    return ltx.path(name);
  }

  @Override
  public void close() throws IOException {
    mu.lock();
    try {
      try {
        namer.drain();
        ltx.syncDeferred("CLOSE");
      } catch (IOException e) {
        // Still in the page cache: as durable as SQLite's own unsynced WAL frames.
        log.warn("could not fsync ltx files at close: db={} reason={}", name, e.getMessage());
      }
      files.close();
    } finally {
      mu.unlock();
    }
  }

  // ---- state helpers used by the committers, the applier, snapshots and recovery (under mu) ----

  /**
   * Records a new position, named and committed, and tells the listeners. Caller holds {@link #mu}
   * and no file is waiting to be named ({@link #drainNaming}).
   */
  PositionEvent publish(LtxHeader header, long post, PositionEvent.Cause cause) {
    Pos p = new Pos(header.maxTxid(), post);
    tip = p;
    return publishNamed(header, post, cause);
  }

  /** The naming thread named a committed WAL transaction's file: advances {@link #pos()} only. */
  void publishNamed(LtxHeader header, long post) {
    publishNamed(header, post, PositionEvent.Cause.COMMIT);
  }

  private PositionEvent publishNamed(LtxHeader header, long post, PositionEvent.Cause cause) {
    Pos p = new Pos(header.maxTxid(), post);
    pos = p;
    posTimestamp = header.timestamp();
    PositionEvent event = new PositionEvent(name, p, cause, header);
    store.notifyListeners(event);
    return event;
  }

  /**
   * Records a committed transaction whose file {@link #namer} will name. Caller holds {@link #mu}.
   */
  void commitUnnamed(LtxHeader header, long post) {
    tip = new Pos(header.maxTxid(), post);
    store.notifyCommitted(name, tip);
  }

  /**
   * Whether a commit's LTX file may lag behind the commit: a WAL commit be named after the lock
   * release ({@link LtxNamer}), a rollback-journal commit's file be fsynced after the commit
   * returned ({@link JournalCommitter}). True when this node is the primary, replication is
   * asynchronous (no commit gate waits for the file) and no halt ships the commit first.
   */
  boolean mayNameLater() {
    return store.isPrimary() && store.commitGate() == CommitGate.NONE && !halt.isHeld();
  }

  /**
   * The header of the next LTX file a local commit writes: {@code MinTXID = MaxTXID = TXID + 1} and
   * pre-apply = current checksum, or a snapshot ({@code MinTXID = 1}, pre-apply 0) for the first
   * transaction of a database. Caller holds {@link #mu}.
   */
  LtxHeader nextHeader(int ps, long commit, long walOffset, long walSize, int salt1, int salt2) {
    Pos prev = tip;
    long txid = prev.txid() + 1;
    boolean snapshot = prev.txid() == 0;
    return new LtxHeader(
        store.ltxFlags(),
        ps,
        commit,
        snapshot ? 1 : txid,
        txid,
        store.clock().millis(),
        snapshot ? 0 : prev.postApplyChecksum(),
        walOffset,
        walSize,
        salt1,
        salt2,
        store.nodeId());
  }

  /** Sets the position without an event (open). Caller holds {@link #mu}. */
  void restorePos(Pos p, long timestamp) {
    tip = p;
    pos = p;
    posTimestamp = timestamp;
  }

  /**
   * Runs the commit gate for a rollback-journal commit before the journal is invalidated, releasing
   * {@link #mu} during the wait (SQLite's EXCLUSIVE lock keeps every other writer out). A gate
   * failure leaves the journal hot, so SQLite rolls the transaction back; that rollback's own
   * commit (the next journal commit) is not gated (docs/SYNC.md, "fallback: fail"). Caller holds
   * {@link #mu}.
   */
  private void gateJournalCommit(PositionEvent event) throws IOException {
    if (event == null) {
      return;
    }
    if (revertPending) {
      revertPending = false;
      log.info("recorded the rollback of an unconfirmed commit: db={} txid={}", name, event.pos());
      return;
    }
    boolean failed = true;
    mu.unlock();
    try {
      awaitGate(event);
      failed = false;
    } finally {
      mu.lock();
      revertPending = failed;
    }
  }

  void awaitGate(PositionEvent event) throws IOException {
    if (event != null && event.cause() == PositionEvent.Cause.COMMIT) {
      store.commitGate().awaitCommitted(event);
    }
  }

  void clearDirty() {
    dirty.clear();
    allDirty = false;
    noWriteTransaction.signalAll();
  }

  /**
   * Waits until no rollback-journal transaction has written the database file since the last
   * commit, so the file holds only committed pages. Caller holds {@link #mu}.
   */
  void awaitNoWriteTransaction(java.time.Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!dirty.isEmpty() || allDirty) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new StoreException(
            "a write transaction on db=" + name + " did not finish within " + timeout);
      }
      try {
        noWriteTransaction.awaitNanos(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException(
            "interrupted while waiting for a write transaction: db=" + name, e);
      }
    }
  }

  PositionalSource source(FileKind kind, String op) {
    return (dst, position) -> {
      FileChannel ch = files.channel(kind);
      return ch == null ? -1 : ops.read(op, ch, dst, position);
    };
  }

  /** The committed database header, or null if the file holds no valid SQLite header. */
  DatabaseHeader readHeader(String op) throws IOException {
    if (!files.exists(FileKind.DATABASE) || files.size(FileKind.DATABASE, op) < 100) {
      return null;
    }
    try {
      return DatabaseHeader.read(source(FileKind.DATABASE, op));
    } catch (SqliteFormatException e) {
      log.debug("database header not valid: db={} reason={}", name, e.getMessage());
      return null;
    }
  }

  /** The page as readers see it: the newest recorded WAL frame, else the database file. */
  byte[] readLogicalPage(String op, long pgno, int pageSize) throws IOException {
    Long frame = wal.frames.get(pgno);
    if (frame != null) {
      byte[] page = new byte[pageSize];
      ops.read(op, files.required(name, FileKind.WAL), ByteBuffer.wrap(page), frame + 24);
      return page;
    }
    return files.readPage(op, pgno, pageSize);
  }

  private void requireWritable() throws ReadOnlyReplicaException {
    if (!store.isPrimary()) {
      halt.requireWritable();
    }
  }

  private void beforeDatabaseWrite(long offset, int length) throws IOException {
    if (length == 0) {
      return;
    }
    int ps = checksums.pageSize();
    long first = ps == 0 ? 1 : offset / ps + 1;
    long last = ps == 0 ? 1 : (offset + length - 1) / ps + 1;
    for (SnapshotCapture c : captures) {
      c.beforeDatabaseWrite(this, first, last);
    }
    boolean checkpointCopy = walMode && !files.exists(FileKind.JOURNAL);
    if (checkpointCopy) {
      return;
    }
    if (ps == 0) {
      allDirty = true;
    } else {
      dirty.set((int) first, (int) last + 1);
    }
  }

  private void beforeDatabaseTruncate(long size) throws IOException {
    int ps = checksums.pageSize();
    if (ps != 0) {
      for (SnapshotCapture c : captures) {
        c.beforeDatabaseTruncate(this, (size + ps - 1) / ps);
      }
    }
  }

  private void beforeWalWrite(long offset, ByteBuffer src) throws IOException {
    if (!store.walWriteLockHeld(this)) {
      throw new WalWriteRefusedException(
          "wal write without the shm WRITE lock: db="
              + name
              + "; PRAGMA locking_mode=EXCLUSIVE is not supported in WAL mode");
    }
    if (offset == 0) {
      endWalGeneration();
      return;
    }
    WalSpaceCheck.beforeWrite(this, src, offset, checksums.pageSize(), wal.offset);
    if (wal.header != null && offset < wal.offset) {
      throw new WalWriteRefusedException(
          "wal write at offset "
              + offset
              + " would overwrite frames already recorded up to "
              + wal.offset
              + ": db="
              + name);
    }
  }

  /**
   * The WAL is restarted, truncated or deleted: its recorded frames are in the database file. Its
   * LTX files were written without fsync (the WAL covered them): they are named and made durable
   * first, as the frames are about to go.
   */
  void endWalGeneration() throws IOException {
    namer.drain();
    ltx.syncDeferred("WAL_END");
    for (SnapshotCapture c : captures) {
      c.beforeWalReset(this);
    }
    wal.reset();
  }

  private static boolean isZeroHeader(ByteBuffer src) {
    if (src.remaining() < JournalHeader.SIZE) {
      return false;
    }
    for (int i = 0; i < JournalHeader.SIZE; i++) {
      if (src.get(src.position() + i) != 0) {
        return false;
      }
    }
    return true;
  }

  private boolean journalHasMagic() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8);
    ops.read("COMMIT:JOURNAL_READ_HEADER", files.required(name, FileKind.JOURNAL), b, 0);
    return JournalHeader.hasMagic(b.flip());
  }

  boolean locksWriteHeld() {
    return locks.isWriteLocked(LockFile.SHM, LockBytes.WAL_WRITE);
  }

  /** Takes the lock table's write lock for a store-internal change (apply, drop). */
  LockGuard acquireWriteLock() throws StoreException {
    try {
      return drained(
          locks.acquireWriteLock(
              walMode ? JournalMode.WAL : JournalMode.ROLLBACK, INTERNAL_LOCK_TIMEOUT));
    } catch (LockTimeoutException e) {
      throw new StoreException("could not lock db=" + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while locking db=" + name, e);
    }
  }

  /**
   * A store-internal lock holds SQLite's writers out; every transaction committed before it is
   * named before the caller reads or changes the files.
   */
  private LockGuard drained(LockGuard guard) throws StoreException {
    try {
      namer.drain();
      return guard;
    } catch (IOException | RuntimeException e) {
      guard.close();
      throw e instanceof StoreException se
          ? se
          : new StoreException("could not name pending ltx files of db=" + name + ": " + e, e);
    }
  }

  /** Takes the lock table's read lock: no SQLite writer is inside a transaction while held. */
  LockGuard acquireReadLock() throws StoreException {
    try {
      return drained(
          locks.acquireReadLock(
              walMode ? JournalMode.WAL : JournalMode.ROLLBACK, INTERNAL_LOCK_TIMEOUT));
    } catch (LockTimeoutException e) {
      throw new StoreException("could not lock db=" + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while locking db=" + name, e);
    }
  }
}
