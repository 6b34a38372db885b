package dev.replicafs.replication.store;

import dev.replicafs.replication.sqlite.JournalHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Runs real SQLite (sqlite-jdbc) on a normal directory and turns each transaction into the sequence
 * of {@link Db} seam calls SQLite makes through the mount for it: for rollback-journal modes,
 * create the journal, write its header and the original pages, write the new pages into the
 * database, truncate it if it shrank, then invalidate the journal the way the mode does (unlink,
 * truncate to 0, or zero the 28-byte header); for WAL mode, write the WAL header on a (re)start,
 * append each frame as SQLite does (24-byte frame header, then the page), then release the WRITE
 * lock. The file contents are exactly the ones real SQLite produced.
 */
final class SqliteMirror implements AutoCloseable {
  /** One seam call. */
  interface Call {
    void apply(Db db) throws IOException;
  }

  /** The four journal modes the store must detect. */
  enum Mode {
    DELETE,
    TRUNCATE,
    PERSIST,
    WAL
  }

  final Path real;
  final Mode mode;
  private final Connection conn;
  private final Random random;
  private byte[] db = new byte[0];
  private byte[] wal = new byte[0];
  private boolean walExists;

  SqliteMirror(Path dir, Mode mode, int pageSize, long seed) throws SQLException {
    this.real = dir.resolve("real.db");
    this.mode = mode;
    this.random = new Random(seed);
    this.conn = DriverManager.getConnection("jdbc:sqlite:" + real);
    exec("PRAGMA page_size=" + pageSize, "PRAGMA journal_mode=DELETE", "PRAGMA cache_size=-100000");
  }

  /** Creates the schema (and switches to WAL mode when mirroring WAL). */
  List<Call> init() throws SQLException, IOException {
    List<Call> calls = tx("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
    if (mode == Mode.WAL) {
      exec("PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0");
      calls.addAll(diff(false));
    }
    return calls;
  }

  void exec(String... sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** Runs the statements in one transaction and returns the seam calls that reproduce it. */
  List<Call> tx(String... sql) throws SQLException, IOException {
    conn.setAutoCommit(false);
    exec(sql);
    conn.commit();
    conn.setAutoCommit(true);
    return diff(false);
  }

  /** A random write transaction: inserts, updates, deletes of blobs of random size. */
  List<Call> randomTx() throws SQLException, IOException {
    List<String> sql = new ArrayList<>();
    int n = 1 + random.nextInt(6);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(10);
      int id = random.nextInt(400);
      int size = random.nextInt(10) < 2 ? 2000 + random.nextInt(30000) : 1 + random.nextInt(300);
      if (kind < 6) {
        sql.add("INSERT OR REPLACE INTO t(id, v) VALUES(" + id + ", randomblob(" + size + "))");
      } else if (kind < 8) {
        sql.add("UPDATE t SET v = randomblob(" + size + ") WHERE id % 7 = " + random.nextInt(7));
      } else {
        sql.add("DELETE FROM t WHERE id % 5 = " + random.nextInt(5));
      }
    }
    return tx(sql.toArray(String[]::new));
  }

  /** Runs a statement outside a transaction (a PRAGMA, for example) and mirrors its effect. */
  List<Call> statement(String sql) throws SQLException, IOException {
    exec(sql);
    return diff(false);
  }

  /** VACUUM (the database shrinks or is rewritten), outside a transaction. */
  List<Call> vacuum() throws SQLException, IOException {
    exec("VACUUM");
    return diff(false);
  }

  /** {@code PRAGMA wal_checkpoint(TRUNCATE)}: checkpoint copies into the database, WAL to 0. */
  List<Call> checkpoint() throws SQLException, IOException {
    exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return diff(true);
  }

  /** The real database file's bytes as SQLite left them. */
  byte[] databaseBytes() throws IOException {
    return Files.exists(real) ? Files.readAllBytes(real) : new byte[0];
  }

  String integrityCheck() throws SQLException {
    try (Statement s = conn.createStatement();
        var r = s.executeQuery("PRAGMA integrity_check")) {
      r.next();
      return r.getString(1);
    }
  }

  private List<Call> diff(boolean checkpoint) throws IOException {
    byte[] nd = databaseBytes();
    Path walPath = Path.of(real + "-wal");
    boolean nwExists = Files.exists(walPath);
    byte[] nw = nwExists ? Files.readAllBytes(walPath) : new byte[0];
    List<Call> calls = new ArrayList<>();
    if (!Arrays.equals(nd, db)) {
      if (checkpoint) {
        checkpointCalls(nd, calls);
      } else {
        journalCalls(nd, calls);
      }
    }
    if (!Arrays.equals(nw, wal) || nwExists != walExists) {
      walCalls(nw, nwExists, calls);
    }
    db = nd;
    wal = nw;
    walExists = nwExists;
    return calls;
  }

  private static int pageSize(byte[] image) {
    int v = ((image[16] & 0xff) << 8) | (image[17] & 0xff);
    return v == 1 ? 65536 : v;
  }

  private static byte[] page(byte[] image, int ps, long pgno) {
    byte[] p = new byte[ps];
    int off = (int) ((pgno - 1) * ps);
    if (off < image.length) {
      System.arraycopy(image, off, p, 0, Math.min(ps, image.length - off));
    }
    return p;
  }

  private void journalCalls(byte[] nd, List<Call> calls) {
    int ps = pageSize(nd);
    long oldPages = db.length / ps;
    long newPages = nd.length / ps;
    List<Long> changed = new ArrayList<>();
    for (long p = 1; p <= Math.max(oldPages, newPages); p++) {
      if (p > newPages) {
        continue;
      }
      if (p > oldPages || !Arrays.equals(page(db, ps, p), page(nd, ps, p))) {
        changed.add(p);
      }
    }
    List<Long> originals = changed.stream().filter(p -> p <= oldPages).toList();
    JournalHeader jh = new JournalHeader(originals.size(), random.nextInt(), oldPages, 512, ps);
    byte[] old = db;
    calls.add(d -> d.create(FileKind.JOURNAL));
    ByteBuffer hdr = ByteBuffer.allocate(512);
    hdr.put(jh.encode());
    calls.add(d -> d.write(FileKind.JOURNAL, hdr.duplicate().clear(), 0));
    long off = 512;
    for (long p : originals) {
      long at = off;
      byte[] orig = page(old, ps, p);
      ByteBuffer rec = ByteBuffer.allocate(ps + 8);
      rec.putInt((int) p).put(orig).putInt(jh.recordChecksum(ByteBuffer.wrap(orig), 0));
      calls.add(d -> d.write(FileKind.JOURNAL, rec.duplicate().clear(), at));
      off += ps + 8;
    }
    for (long p : changed) {
      byte[] data = page(nd, ps, p);
      calls.add(d -> d.write(FileKind.DATABASE, ByteBuffer.wrap(data), (p - 1) * ps));
    }
    if (newPages < oldPages) {
      calls.add(d -> d.truncate(FileKind.DATABASE, newPages * ps));
    }
    switch (mode) {
      case TRUNCATE -> calls.add(d -> d.truncate(FileKind.JOURNAL, 0));
      case PERSIST -> calls.add(d -> d.write(FileKind.JOURNAL, ByteBuffer.allocate(28), 0));
      default -> calls.add(d -> d.remove(FileKind.JOURNAL));
    }
  }

  private void checkpointCalls(byte[] nd, List<Call> calls) {
    int ps = pageSize(nd);
    long newPages = nd.length / ps;
    for (long p = 1; p <= newPages; p++) {
      byte[] data = page(nd, ps, p);
      if (!Arrays.equals(page(db, ps, p), data) || p > db.length / ps) {
        long pg = p;
        calls.add(d -> d.write(FileKind.DATABASE, ByteBuffer.wrap(data), (pg - 1) * ps));
      }
    }
    if (nd.length < db.length) {
      calls.add(d -> d.truncate(FileKind.DATABASE, nd.length));
    }
  }

  private static long walEnd(byte[] w) {
    if (w.length < 32) {
      return 0;
    }
    ByteBuffer b = ByteBuffer.wrap(w);
    int ps = b.getInt(8);
    long off = 32;
    while (off + 24 + ps <= w.length
        && b.getInt((int) off + 8) == b.getInt(16)
        && b.getInt((int) off + 12) == b.getInt(20)) {
      off += 24 + ps;
    }
    return off;
  }

  private void walCalls(byte[] nw, boolean exists, List<Call> calls) {
    if (exists) {
      calls.add(d -> d.create(FileKind.WAL));
    }
    if (!exists) {
      calls.add(d -> d.remove(FileKind.WAL));
      return;
    }
    if (nw.length == 0) {
      calls.add(d -> d.truncate(FileKind.WAL, 0));
      return;
    }
    boolean restart =
        wal.length < 32 || !Arrays.equals(Arrays.copyOf(wal, 32), Arrays.copyOf(nw, 32));
    long start = restart ? 32 : walEnd(wal);
    long end = walEnd(nw);
    if (end > start || restart) {
      calls.add(d -> lockWrite(d, true));
    }
    if (restart) {
      byte[] h = Arrays.copyOf(nw, 32);
      calls.add(d -> d.write(FileKind.WAL, ByteBuffer.wrap(h), 0));
    }
    int ps = ByteBuffer.wrap(nw).getInt(8);
    for (long off = start; off < end; off += 24 + ps) {
      byte[] fh = Arrays.copyOfRange(nw, (int) off, (int) off + 24);
      byte[] pg = Arrays.copyOfRange(nw, (int) off + 24, (int) off + 24 + ps);
      long at = off;
      calls.add(d -> d.write(FileKind.WAL, ByteBuffer.wrap(fh), at));
      calls.add(d -> d.write(FileKind.WAL, ByteBuffer.wrap(pg), at + 24));
    }
    if (end > start || restart) {
      calls.add(d -> lockWrite(d, false));
    }
  }

  /**
   * The connection's lock owner takes or releases the shm WRITE lock, as SQLite does; a busy lock
   * is retried for up to 10 s, as SQLite's busy handler would (a store-internal read lock, e.g. of
   * a snapshot being sent to a replica, holds it briefly).
   */
  static void lockWrite(Db db, boolean take) {
    if (take) {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (!db.locks().tryLock(LockFile.SHM, OWNER, LockKind.WRITE, LockBytes.WAL_WRITE, 1)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("WRITE lock busy for 10 s: " + db.locks());
        }
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for the WRITE lock", e);
        }
      }
    } else {
      db.locks().unlock(LockFile.SHM, OWNER, LockBytes.WAL_WRITE, 1);
    }
  }

  static final long OWNER = 0x5151L;

  static void run(Db db, List<Call> calls) throws IOException {
    for (Call c : calls) {
      c.apply(db);
    }
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
