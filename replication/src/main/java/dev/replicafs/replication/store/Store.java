package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * All databases of one data directory, in LiteFS's layout:
 *
 * <pre>
 * &lt;data&gt;/clusterid                      cluster ID + "\n"
 * &lt;data&gt;/dbs/&lt;name&gt;/database             SQLite main file
 * &lt;data&gt;/dbs/&lt;name&gt;/journal              rollback journal
 * &lt;data&gt;/dbs/&lt;name&gt;/wal                  write-ahead log
 * &lt;data&gt;/dbs/&lt;name&gt;/shm                  WAL index
 * &lt;data&gt;/dbs/&lt;name&gt;/ltx/%016x-%016x.ltx    one LTX file per transaction (or snapshot)
 * </pre>
 *
 * <p>The store also holds the node's role (primary or replica) in one place; {@link Db} asks it
 * before accepting a write.
 *
 * <p>Skeleton: databases open as plain passthrough files; positions, recovery and retention follow.
 */
public final class Store implements AutoCloseable {
  private final Path dataDir;
  private final FileOps ops;
  private final TreeMap<String, Db> dbs = new TreeMap<>();
  private volatile boolean primary;
  private boolean closed;

  private Store(Path dataDir, FileOps ops) {
    this.dataDir = dataDir;
    this.ops = ops;
  }

  /** Opens (creating if needed) the store over {@code dataDir}. */
  public static Store open(Path dataDir, FileOps ops) throws IOException {
    Store store = new Store(dataDir, ops);
    ops.createDirectories("OPEN:MKDIR", dataDir.resolve("dbs"));
    for (Path p : ops.list("OPEN:LIST", dataDir.resolve("dbs"))) {
      if (Files.isDirectory(p)) {
        String name = p.getFileName().toString();
        store.dbs.put(name, new Db(name, p, store, ops));
      }
    }
    return store;
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** Whether this node is currently the primary (accepts writes). */
  public boolean isPrimary() {
    return primary;
  }

  /** Sets the role; the lease state machine is the only caller in production. */
  public void setPrimary(boolean primary) {
    this.primary = primary;
  }

  /** The database called {@code name}, if it exists. */
  public synchronized Optional<Db> db(String name) {
    return Optional.ofNullable(dbs.get(name));
  }

  /** All databases, sorted by name. */
  public synchronized List<Db> dbs() {
    return new ArrayList<>(dbs.values());
  }

  /**
   * Returns the database called {@code name}, creating it (an empty database file) if needed.
   *
   * @throws InvalidDatabaseNameException if the name is not valid
   * @throws ReadOnlyReplicaException when creating on a replica
   */
  public synchronized Db create(String name) throws IOException {
    DatabaseName.validate(name);
    Db db = dbs.get(name);
    if (db != null) {
      return db;
    }
    if (!primary) {
      throw new ReadOnlyReplicaException(name);
    }
    Path dir = dataDir.resolve("dbs").resolve(name);
    ops.createDirectories("CREATE:MKDIR", dir);
    db = new Db(name, dir, this, ops);
    db.create(FileKind.DATABASE);
    dbs.put(name, db);
    return db;
  }

  /** Drops a database: removes its files. */
  public synchronized void drop(String name) throws IOException {
    if (!primary) {
      throw new ReadOnlyReplicaException(name);
    }
    Db db = dbs.remove(name);
    if (db == null) {
      throw new NotFoundException("no such database: db=" + name);
    }
    db.close();
    for (FileKind kind : FileKind.values()) {
      ops.deleteIfExists("DROP:DELETE_" + kind, db.path(kind));
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    for (Db db : dbs.values()) {
      db.close();
    }
  }
}
