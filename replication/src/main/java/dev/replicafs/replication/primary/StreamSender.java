package dev.replicafs.replication.primary;

import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxFormatException;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.stream.StreamFrame;
import dev.replicafs.replication.stream.StreamWriter;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one replica from its position to the primary's, then follows new commits.
 *
 * <pre>
 *   preamble
 *   catch-up: for each db in (replica's map ∪ local dbs) ∩ filter: LTX frames until caught up
 *   READY, PEERS (if the replica reads it), HEARTBEAT
 *   loop: wait ≤ heartbeat for the dirty set
 *         catch up each dirty db; PEERS if the known replicas changed;
 *         nothing sent → HEARTBEAT
 *   END (the primary stopped being primary, or the feed closed)
 * </pre>
 *
 * For each database the sender remembers the position it last sent (initially the replica's) and
 * picks the next file: the replica ahead of the primary, or at the same TXID with another checksum
 * (a diverged old primary), or needing a file retention removed, or whose next file does not
 * continue its checksum or is corrupt on disk (fails verification), gets a snapshot (streamed by
 * {@link Db#writeSnapshot}, never held in memory); otherwise (a replica at TXID 0 included) the
 * single-transaction file {@code <txid+1>-<txid+1>.ltx}, verified completely before it is sent. An
 * I/O error aborts the stream without END so the replica sees a cut and reconnects.
 */
public final class StreamSender {
  private static final Logger log = LoggerFactory.getLogger(StreamSender.class);
  private static final long SMALL_FILE = 1 << 20;

  private final Store store;
  private final DirtySet dirty;
  private final StreamWriter out;
  private final Predicate<String> filter;
  private final Clock clock;
  private final Duration heartbeat;
  private final BooleanSupplier primary;
  private final FrameObserver observer;
  private final String peer;
  private final ReplicaSession session;
  private final Map<String, Pos> sent = new HashMap<>();

  /**
   * @param store the primary's store
   * @param dirty this subscriber's dirty set (subscribe before reading positions)
   * @param replica the replica's position map
   * @param filter which databases the replica wants
   * @param out the response stream
   * @param clock time for heartbeats
   * @param heartbeat heartbeat interval
   * @param primary whether this node still serves streams; false ends the stream
   * @param observer told about each file sent
   * @param peer the replica's node ID, for logs
   * @param session this stream's session: a requested HANDOFF is written from this thread
   */
  public StreamSender(
      Store store,
      DirtySet dirty,
      Map<String, Pos> replica,
      Predicate<String> filter,
      OutputStream out,
      Clock clock,
      Duration heartbeat,
      BooleanSupplier primary,
      FrameObserver observer,
      String peer,
      ReplicaSession session) {
    this.store = store;
    this.dirty = dirty;
    this.filter = filter;
    this.out = new StreamWriter(out);
    this.clock = clock;
    this.heartbeat = heartbeat;
    this.primary = primary;
    this.observer = observer;
    this.peer = peer;
    this.session = session;
    replica.forEach((db, pos) -> sent.put(db, pos));
  }

  /**
   * Runs until the node stops serving or the subscription closes, then sends END; or until a
   * handoff was requested, then sends everything still dirty, HANDOFF, and no END.
   */
  public void run() throws IOException, InterruptedException {
    out.writePreamble();
    Set<String> initial = new TreeSet<>(sent.keySet());
    store.dbs().forEach(db -> initial.add(db.name()));
    for (String name : initial) {
      if (filter.test(name)) {
        sync(name);
      }
    }
    out.write(new StreamFrame.Ready());
    announcePeers();
    out.write(new StreamFrame.Heartbeat(clock.millis()));
    out.flush();
    log.info("replica caught up: peer={} dbs={}", peer, initial.size());
    while (primary.getAsBoolean() && !dirty.isClosed()) {
      Set<String> names = dirty.await(heartbeat);
      for (String name : names) {
        if (filter.test(name)) {
          sync(name);
        }
      }
      Optional<String> handoff = session.pendingHandoff();
      if (handoff.isPresent()) {
        out.write(new StreamFrame.Handoff(handoff.get()));
        out.flush();
        session.handoffWritten();
        log.info("handoff sent: peer={}", peer);
        return;
      }
      boolean announced = announcePeers();
      if (names.isEmpty() && !announced) {
        out.write(new StreamFrame.Heartbeat(clock.millis()));
      }
      out.flush();
    }
    out.write(new StreamFrame.End());
    out.flush();
  }

  /** Writes PEERS when the known replicas changed and the replica reads it; returns whether. */
  private boolean announcePeers() throws IOException {
    Optional<StreamFrame.Peers> peers = session.peersToAnnounce();
    if (peers.isPresent()) {
      out.write(peers.get());
      log.debug("peers announced: peer={} known={}", peer, peers.get().known());
    }
    return peers.isPresent();
  }

  private void sync(String name) throws IOException {
    Db db = store.db(name).orElse(null);
    if (db == null) {
      log.info("replica has a database the primary does not: peer={} db={}", peer, name);
      return;
    }
    while (true) {
      Pos cur = db.pos();
      Pos at = sent.getOrDefault(name, Pos.ZERO);
      if (cur.txid() == 0) {
        return;
      }
      if (Long.compareUnsigned(at.txid(), cur.txid()) > 0) {
        log.warn(
            "replica is ahead of the primary, sending a snapshot: peer={} db={} replica={} primary={}",
            peer,
            name,
            at,
            cur);
        snapshot(db);
      } else if (at.txid() == cur.txid()) {
        if (at.postApplyChecksum() == cur.postApplyChecksum()) {
          return;
        }
        log.warn(
            "replica diverged at the same txid, sending a snapshot: peer={} db={} replica={} primary={}",
            peer,
            name,
            at,
            cur);
        snapshot(db);
      } else if ((at.txid() == 0 && cur.txid() != 1) || !sendNext(db, at)) {
        // a replica at TXID 0 of a database at TXID 1 (a new one) gets file 1-1: it holds every
        // page (its MinTXID is 1, so it applies as a snapshot) and, unlike a snapshot, needs no
        // read lock, which the first commit of a new database holds while it waits, with
        // synchronous replication in a rollback-journal mode, for this replica (docs/SYNC.md)
        snapshot(db);
      }
    }
  }

  /**
   * Sends the file that starts at {@code txid+1} ({@code <txid+1>-<txid+1>.ltx}, or a file the
   * primary merged several transactions into) if it exists and continues {@code at}. A file up to 1
   * MiB (nearly every transaction) is read once into memory, verified from there and sent from
   * there; a larger one is verified in one pass and streamed in a second.
   */
  private boolean sendNext(Db db, Pos at) throws IOException {
    long next = at.txid() + 1;
    Path path = db.ltxPath(db.ltxFileFrom(next).orElse(new LtxFileName(next, next)));
    byte[] small = null;
    LtxDecoder dec;
    long size;
    try {
      size = Files.size(path);
      if (size <= SMALL_FILE) {
        small = Files.readAllBytes(path);
        size = small.length;
        dec = LtxDecoder.open(new ByteArrayInputStream(small));
        dec.verify();
      } else {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
          dec = LtxDecoder.open(in);
          dec.verify();
        }
      }
    } catch (NoSuchFileException e) {
      log.info(
          "next ltx file is gone (retention), sending a snapshot: peer={} db={} txid={}",
          peer,
          db.name(),
          String.format("%016x", next));
      return false;
    } catch (LtxFormatException e) {
      // Damaged on disk (bit rot, a truncated copy): sending it would only make the replica
      // refuse it and reconnect, forever. The database itself is intact, so a snapshot is correct.
      log.warn(
          "next ltx file is corrupt on disk, sending a snapshot instead: peer={} db={} file={}"
              + " reason={}",
          peer,
          db.name(),
          path,
          e.getMessage());
      return false;
    }
    LtxHeader header = dec.header();
    if (header.preApplyChecksum() != at.postApplyChecksum()) {
      log.warn(
          "next ltx file does not continue the replica's checksum, sending a snapshot:"
              + " peer={} db={} pos={}",
          peer,
          db.name(),
          at);
      return false;
    }
    OutputStream body = out.writeLtx(db.name(), size);
    if (small != null) {
      body.write(small);
    } else {
      try (InputStream in = Files.newInputStream(path)) {
        in.transferTo(body);
      }
    }
    body.close();
    sent.put(db.name(), dec.trailer().postApplyPos(header));
    observer.ltxSent(db.name(), false, size);
    return true;
  }

  private void snapshot(Db db) throws IOException {
    OutputStream body = out.writeLtx(db.name(), 0);
    TailOutputStream tail = new TailOutputStream(body);
    LtxHeader header = db.writeSnapshot(tail);
    body.close();
    Pos pos = new Pos(header.maxTxid(), tail.postApplyChecksum());
    sent.put(db.name(), pos);
    observer.ltxSent(db.name(), true, tail.count());
    log.info("snapshot sent: peer={} db={} pos={} bytes={}", peer, db.name(), pos, tail.count());
  }
}
