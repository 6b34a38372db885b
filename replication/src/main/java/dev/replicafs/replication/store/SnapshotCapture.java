package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.Pos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consistent, copy-on-write view of a database at one position, so a snapshot can be streamed
 * while writers go on. Capturing costs a copy of the WAL page index; afterwards, before the {@link
 * Db} overwrites a page the view still needs (a database write, a truncate, a WAL restart or
 * truncation), it hands the old content to {@link #beforeDatabaseWrite} and friends, which save it
 * in a temporary file beside the database. Pages the stream has already passed ({@code < cursor})
 * are not saved. All methods run under the database lock.
 */
final class SnapshotCapture implements AutoCloseable {
  final Pos pos;
  final int pageSize;
  final long count;
  private final long lockPgno;
  private final TreeMap<Long, Long> walFrames;
  private final Path file;
  private final Map<Long, Long> saved = new HashMap<>();
  private FileChannel preserved;
  private long cursor = 1;

  SnapshotCapture(Db db, Pos pos, int pageSize, long count, TreeMap<Long, Long> walFrames) {
    this.pos = pos;
    this.pageSize = pageSize;
    this.count = count;
    this.lockPgno = pageSize == 0 ? 0 : DatabaseChecksum.lockPgno(pageSize);
    this.walFrames = walFrames;
    this.file = db.files.dir().resolve("snapshot-" + System.nanoTime() + ".tmp");
  }

  void advance(long nextPgno) {
    cursor = nextPgno;
  }

  void beforeDatabaseWrite(Db db, long first, long last) throws IOException {
    for (long p = Math.max(first, cursor); p <= Math.min(last, count); p++) {
      if (needs(p) && !walFrames.containsKey(p)) {
        save(db, p, db.files.readPage("SNAPSHOT:PRESERVE_READ", p, pageSize));
      }
    }
  }

  void beforeDatabaseTruncate(Db db, long newCount) throws IOException {
    beforeDatabaseWrite(db, newCount + 1, count);
  }

  void beforeWalReset(Db db) throws IOException {
    for (Map.Entry<Long, Long> e : walFrames.tailMap(cursor, true).entrySet()) {
      if (e.getKey() <= count && needs(e.getKey())) {
        save(db, e.getKey(), walPage(db, e.getValue()));
      }
    }
  }

  /** The page as of {@link #pos}. */
  byte[] read(Db db, long pgno) throws IOException {
    Long at = saved.get(pgno);
    if (at != null) {
      byte[] page = new byte[pageSize];
      db.ops.read("SNAPSHOT:PRESERVE_READ", preserved, ByteBuffer.wrap(page), at);
      return page;
    }
    Long frame = walFrames.get(pgno);
    return frame != null
        ? walPage(db, frame)
        : db.files.readPage("SNAPSHOT:DB_READ", pgno, pageSize);
  }

  private boolean needs(long p) {
    return p != lockPgno && p >= cursor && !saved.containsKey(p);
  }

  private byte[] walPage(Db db, long frameOffset) throws IOException {
    byte[] page = new byte[pageSize];
    db.ops.read(
        "SNAPSHOT:WAL_READ",
        db.files.required(db.name, FileKind.WAL),
        ByteBuffer.wrap(page),
        frameOffset + 24);
    return page;
  }

  private void save(Db db, long pgno, byte[] page) throws IOException {
    if (preserved == null) {
      preserved =
          db.ops.open(
              "SNAPSHOT:PRESERVE_OPEN",
              file,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              StandardOpenOption.DELETE_ON_CLOSE);
    }
    long at = (long) saved.size() * pageSize;
    db.ops.write("SNAPSHOT:PRESERVE_WRITE", preserved, ByteBuffer.wrap(page), at);
    saved.put(pgno, at);
  }

  @Override
  public void close() throws IOException {
    if (preserved != null) {
      preserved.close();
      preserved = null;
    }
  }
}
