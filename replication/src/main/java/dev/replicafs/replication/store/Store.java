package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All databases of one data directory, in LiteFS's layout:
 *
 * <pre>
 * &lt;data&gt;/clusterid                      cluster ID + "\n" (written atomically)
 * &lt;data&gt;/dbs/&lt;name&gt;/database             SQLite main file
 * &lt;data&gt;/dbs/&lt;name&gt;/journal              rollback journal
 * &lt;data&gt;/dbs/&lt;name&gt;/wal                  write-ahead log
 * &lt;data&gt;/dbs/&lt;name&gt;/shm                  WAL index (deleted at open)
 * &lt;data&gt;/dbs/&lt;name&gt;/ltx/%016x-%016x.ltx    one LTX file per transaction, or a snapshot
 * &lt;data&gt;/receive/&lt;name&gt;/               a replica receiving a database new to it (deleted at open)
 * </pre>
 *
 * <p>Opening runs {@link DbRecovery} on every database (hot journal rollback, WAL reconciliation,
 * checksums from scratch, verification against the last LTX file). The store holds the node's role
 * (primary or replica) in this one place; {@link Db} asks it before accepting a write, and the
 * lease state machine is its only writer in production. Collaborators (file operations, clock,
 * invalidator, fatal handler, commit gate) are injected through {@link Builder}.
 *
 * <p>Size: over the 400-line guideline because it is the store's whole public facade (open, role,
 * cluster ID, databases, a replica's first file of a new database, retention, listeners, the
 * builder), each a few lines; the paths live in {@link Db}, {@link DbRecovery}, {@link
 * LtxGroupApplier}, {@link ReceiveStaging} and the committers.
 */
public final class Store implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Store.class);

  private final StoreOptions options;
  private final FileOps ops;
  private final Clock clock;
  private final Invalidator invalidator;
  private final FatalHandler fatalHandler;
  private final CommitGate commitGate;
  private final ExecutorService checksumPool;
  private final int checksumThreads;
  private final ConcurrentSync concurrentSync;
  private final java.util.concurrent.ScheduledExecutorService namingThread;
  private final java.time.Duration namingInterval;
  private final java.util.concurrent.ScheduledExecutorService ltxSyncThread;
  private final ReceiveStaging staging;
  private final ClusterIdFile clusterIdFile;
  private final TreeMap<String, Db> dbs = new TreeMap<>();
  private final List<PositionListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean primary;
  private volatile HaltRequester haltRequester;
  private volatile java.nio.file.FileStore fileStore;
  private boolean closed;

  private Store(Builder b) {
    this.options = b.options;
    this.ops = b.ops;
    this.clock = b.clock;
    this.invalidator = b.invalidator;
    this.fatalHandler = b.fatalHandler;
    this.commitGate = b.commitGate;
    this.checksumThreads = b.checksumThreads;
    this.checksumPool =
        Executors.newFixedThreadPool(checksumThreads, DaemonThreads.numbered("replicafs-checksum"));
    this.concurrentSync = new ConcurrentSync(ops, b.syncThreads);
    this.namingThread =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("replicafs-ltx-namer"));
    this.namingInterval = b.namingInterval;
    var syncThread =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1, DaemonThreads.named("replicafs-ltx-sync"));
    // Db.close makes every deferred file durable itself; a batch still waiting is dropped.
    syncThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.ltxSyncThread = syncThread;
    this.staging = new ReceiveStaging(options.dataDir().resolve("receive"), ops);
    this.clusterIdFile = new ClusterIdFile(options.dataDir(), ops);
  }

  /** Starts building a store over {@code options.dataDir()}. */
  public static Builder builder(StoreOptions options) {
    return new Builder(options);
  }

  /** Opens a store with default collaborators (real disk, system clock). */
  public static Store open(StoreOptions options) throws IOException {
    return builder(options).open();
  }

  private void openDatabases() throws IOException {
    staging.removeAll();
    Path dbsDir = options.dataDir().resolve("dbs");
    ops.createDirectories("OPEN:MKDIR", dbsDir);
    for (Path p : ops.list("OPEN:LIST", dbsDir)) {
      if (!Files.isDirectory(p)) {
        continue;
      }
      String name = p.getFileName().toString();
      try {
        DatabaseName.validate(name);
      } catch (InvalidDatabaseNameException e) {
        log.warn(
            "skipping directory with an invalid database name: dir={} reason={}",
            p,
            e.getMessage());
        continue;
      }
      Db db = new Db(name, p, this, ops);
      DbRecovery.open(db);
      dbs.put(name, db);
    }
  }

  /** The settings. */
  public StoreOptions options() {
    return options;
  }

  /** The data directory. */
  public Path dataDir() {
    return options.dataDir();
  }

  /**
   * The file system holding the data directory, looked up once: {@code Files.getFileStore} parses
   * {@code /proc/mounts}, too slow for the commit path; {@code getUsableSpace()} on the result is a
   * fresh {@code statfs} each time.
   */
  java.nio.file.FileStore fileStore() throws IOException {
    java.nio.file.FileStore fs = fileStore;
    if (fs == null) {
      fs = java.nio.file.Files.getFileStore(options.dataDir());
      fileStore = fs;
    }
    return fs;
  }

  /** Whether this node is currently the primary (accepts writes). */
  public boolean isPrimary() {
    return primary;
  }

  /** Sets the role; the lease state machine is the only caller in production. */
  public void setPrimary(boolean primary) {
    this.primary = primary;
  }

  /**
   * Sets how replicas reach the primary for halt locks ({@code null}: none, e.g. on the primary).
   * Every halt held under the previous requester is lost: its primary is no longer the one.
   */
  public void haltRequester(HaltRequester requester) {
    this.haltRequester = requester;
    for (Db db : dbs()) {
      db.halt.lose("the primary changed");
    }
  }

  HaltRequester haltRequester() {
    return haltRequester;
  }

  /** The cluster ID from {@code <data>/clusterid}, if set. */
  public Optional<String> clusterId() throws IOException {
    return clusterIdFile.read();
  }

  /** Writes {@code <data>/clusterid} atomically ({@code "LFSC"} + 16 uppercase hex digits). */
  public void setClusterId(String id) throws IOException {
    clusterIdFile.write(id);
  }

  /** The database called {@code name}, if it exists (a dropped database still has a position). */
  public synchronized Optional<Db> db(String name) {
    return Optional.ofNullable(dbs.get(name));
  }

  /**
   * For a node that just stopped being primary: rolls back, in the background (thread {@code
   * journal-rollback}, gone when done), each database's journal left by a transaction it could not
   * commit, once the connection that wrote it lets go ({@link Db#rollBackAbandonedJournal}).
   */
  public void rollBackAbandonedJournals() {
    List<Db> withJournal = dbs().stream().filter(Db::hasJournal).toList();
    if (withJournal.isEmpty()) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              for (Db db : withJournal) {
                try {
                  db.rollBackAbandonedJournal();
                } catch (IOException | RuntimeException e) {
                  log.warn(
                      "journal rollback after step-down failed: db={} reason={}",
                      db.name(),
                      e.toString());
                }
              }
            },
            "journal-rollback");
    t.setDaemon(true);
    t.start();
  }

  /** All databases, sorted by name. */
  public synchronized List<Db> dbs() {
    return new ArrayList<>(dbs.values());
  }

  /**
   * Returns the database called {@code name}, creating its directory and an empty database file if
   * needed. A replica creates databases too, when the primary's stream names a new one.
   *
   * <p>The invalidator runs after the store's monitor is released: the kernel's entry notification
   * waits for the directory lock, which a concurrent lookup on the mount holds while it waits for
   * this monitor in {@link #db}; holding both deadlocked a replica's first apply of a new database.
   *
   * @throws InvalidDatabaseNameException if the name is not valid
   */
  public Db create(String name) throws IOException {
    DatabaseName.validate(name);
    Db db;
    boolean created = false;
    synchronized (this) {
      checkOpen();
      db = dbs.get(name);
      if (db == null) {
        db = register(name);
      }
      if (!db.exists(FileKind.DATABASE)) {
        db.files.create(FileKind.DATABASE, "CREATE:OPEN_DATABASE");
        created = true;
      }
    }
    if (created) {
      invalidator.invalidateEntry(name);
    }
    return db;
  }

  /** Creates {@code dbs/<name>/} and registers its {@code Db}; the caller holds this monitor. */
  private Db register(String name) throws IOException {
    Path dir = options.dataDir().resolve("dbs").resolve(name);
    ops.createDirectories("CREATE:MKDIR", dir);
    Db db = new Db(name, dir, this, ops);
    dbs.put(name, db);
    return db;
  }

  /**
   * Receives the first LTX file of a database this store does not have yet (a replica, when the
   * primary's stream names a new one): it is spooled and verified (a snapshot straight into a
   * temporary database) under {@code <data>/receive/<name>/}, outside {@code dbs/}, and the
   * database is created only by {@link #applyNew}, so a broken or corrupt stream leaves nothing
   * behind in {@code dbs/} (the staging directory is removed; a crash leaves it to the next open,
   * which deletes it). For a database that exists this is {@link Db#receive}.
   */
  public ReceivedLtx receiveNew(String name, java.io.InputStream ltxFile) throws IOException {
    DatabaseName.validate(name);
    Db stage;
    synchronized (this) {
      checkOpen();
      Db existing = dbs.get(name);
      if (existing != null) {
        return existing.receive(ltxFile);
      }
      stage = new Db(name, staging.create(name), this, ops);
    }
    try {
      return stage.receive(ltxFile);
    } catch (IOException | RuntimeException e) {
      staging.remove(name);
      throw e;
    }
  }

  /**
   * Creates the database a {@link #receiveNew} file belongs to, moves the file into it and applies
   * it; the mount shows the database once it has its content.
   */
  public Pos applyNew(ReceivedLtx file) throws IOException {
    String name = file.db().name();
    Db db;
    boolean added = false;
    synchronized (this) {
      checkOpen();
      db = dbs.get(name);
      if (db == null) {
        db = register(name);
        added = true;
      }
    }
    ReceivedLtx moved;
    try {
      moved = file.moveTo(db);
    } finally {
      file.close();
      staging.remove(name);
    }
    List<Pos> p = db.apply(List.of(moved));
    if (added) {
      invalidator.invalidateEntry(name);
    }
    return p.get(p.size() - 1);
  }

  /**
   * Drops a database on the primary: records a deletion LTX file (commit 0) and removes the
   * database, journal, WAL and shm. The database keeps its position so that a later create
   * continues the TXID sequence, as LiteFS does.
   */
  public void drop(String name) throws IOException {
    if (!primary) {
      throw new ReadOnlyReplicaException(name);
    }
    Db db = db(name).orElseThrow(() -> new NotFoundException("no such database: db=" + name));
    DbRecovery.drop(db);
  }

  /** Registers a listener for every position change of every database. */
  public void addListener(PositionListener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  public void removeListener(PositionListener listener) {
    listeners.remove(listener);
  }

  /** Deletes LTX files past retention in every database (see {@link Retention}). */
  public void enforceRetention() throws IOException {
    for (Db db : dbs()) {
      Retention.enforce(db, clock.instant(), options.retention(), options.retentionMaxBytes());
    }
  }

  /**
   * Runs {@link #enforceRetention()} every {@code interval} on {@code executor} (LiteFS's {@code
   * data.retention-monitor-interval}); failures are logged and retried at the next run. Close the
   * returned handle to stop.
   */
  public AutoCloseable scheduleRetention(
      java.util.concurrent.ScheduledExecutorService executor, java.time.Duration interval) {
    var future =
        executor.scheduleWithFixedDelay(
            () -> {
              try {
                enforceRetention();
              } catch (IOException | RuntimeException e) {
                log.warn("retention run failed: dir={}", options.dataDir(), e);
              }
            },
            interval.toMillis(),
            interval.toMillis(),
            java.util.concurrent.TimeUnit.MILLISECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (Db db : dbs.values()) {
        db.close();
      }
    } finally {
      checksumPool.shutdownNow();
      namingThread.shutdown();
      ltxSyncThread.shutdown();
      concurrentSync.close();
    }
  }

  // ---- collaborators for the databases ----

  FileOps ops() {
    return ops;
  }

  Clock clock() {
    return clock;
  }

  Invalidator invalidator() {
    return invalidator;
  }

  CommitGate commitGate() {
    return commitGate;
  }

  ConcurrentSync concurrentSync() {
    return concurrentSync;
  }

  /** The thread that names WAL commits' LTX files after the lock release ({@link LtxNamer}). */
  java.util.concurrent.ScheduledExecutorService namingThread() {
    return namingThread;
  }

  /** The least time between the starts of two of a database's files ({@link LtxNamer}). */
  java.time.Duration namingInterval() {
    return namingInterval;
  }

  /**
   * The thread that fsyncs rollback-journal commits' LTX files after the commit returned ({@link
   * LtxFiles#syncDeferredLater}).
   */
  java.util.concurrent.ScheduledExecutorService ltxSyncThread() {
    return ltxSyncThread;
  }

  ExecutorService checksumPool() {
    return checksumPool;
  }

  int checksumThreads() {
    return checksumThreads;
  }

  long nodeId() {
    return options.nodeId();
  }

  int ltxFlags() {
    return options.compress() ? LtxHeader.FLAG_COMPRESS_LZ4 : 0;
  }

  boolean walWriteLockHeld(Db db) {
    return db.locksWriteHeld();
  }

  void fatal(String db, String what, Throwable cause) {
    fatalHandler.fatal(db, what, cause);
  }

  void notifyCommitted(String db, Pos pos) {
    for (PositionListener l : listeners) {
      try {
        l.committed(db, pos);
      } catch (RuntimeException e) {
        log.warn("position listener failed: db={} pos={}", db, pos, e);
      }
    }
  }

  void notifyListeners(PositionEvent event) {
    for (PositionListener l : listeners) {
      try {
        l.positionChanged(event);
      } catch (RuntimeException e) {
        log.warn("position listener failed: db={} pos={}", event.db(), event.pos(), e);
      }
    }
  }

  private synchronized void checkOpen() throws StoreException {
    if (closed) {
      throw new StoreException("store is closed: dir=" + options.dataDir());
    }
  }

  /** See {@link Builder#namingInterval} and docs/ARCHITECTURE.md ("WAL commits are named ..."). */
  public static final java.time.Duration DEFAULT_NAMING_INTERVAL = java.time.Duration.ofMillis(1);

  /** Collects the store's collaborators; every one has a production default. */
  public static final class Builder {
    private final StoreOptions options;
    private FileOps ops = DiskFileOps.INSTANCE;
    private Clock clock = Clock.systemUTC();
    private Invalidator invalidator = Invalidator.NONE;
    private FatalHandler fatalHandler =
        (db, what, cause) -> {
          log.error("fatal store error, stopping: db={} what={}", db, what, cause);
          Runtime.getRuntime().halt(99);
        };
    private CommitGate commitGate = CommitGate.NONE;
    private int checksumThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int syncThreads = 8;
    private java.time.Duration namingInterval = DEFAULT_NAMING_INTERVAL;
    private boolean primary;

    private Builder(StoreOptions options) {
      this.options = Objects.requireNonNull(options);
    }

    public Builder fileOps(FileOps ops) {
      this.ops = Objects.requireNonNull(ops);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Builder invalidator(Invalidator invalidator) {
      this.invalidator = Objects.requireNonNull(invalidator);
      return this;
    }

    /** Receives failures SQLite can no longer observe; the default halts the JVM with status 99. */
    public Builder fatalHandler(FatalHandler handler) {
      this.fatalHandler = Objects.requireNonNull(handler);
      return this;
    }

    public Builder commitGate(CommitGate gate) {
      this.commitGate = Objects.requireNonNull(gate);
      return this;
    }

    /**
     * Threads that fsync a replica's received files together (default 8; see {@link
     * ConcurrentSync}).
     */
    public Builder syncThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("sync threads must be >= 1: " + n);
      }
      this.syncThreads = n;
      return this;
    }

    /** Threads computing checksums at open (default: one per core). */
    public Builder checksumThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("checksum threads must be >= 1: " + n);
      }
      this.checksumThreads = n;
      return this;
    }

    /**
     * The least time between the starts of two LTX files of one database's WAL commits on the
     * naming thread (default {@link #DEFAULT_NAMING_INTERVAL}); the commits of the wait share a
     * file. Zero names every commit as soon as the thread is free.
     */
    public Builder namingInterval(java.time.Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("naming interval must be >= 0: " + interval);
      }
      this.namingInterval = interval;
      return this;
    }

    /** Initial role (default replica). */
    public Builder primary(boolean primary) {
      this.primary = primary;
      return this;
    }

    /** Opens the store and recovers every database. */
    public Store open() throws IOException {
      Store store = new Store(this);
      store.primary = primary;
      try {
        store.openDatabases();
      } catch (IOException | RuntimeException e) {
        store.close();
        throw e;
      }
      return store;
    }
  }
}
