package dev.replicafs.replication.replica;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.DatabaseName;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.ReceivedLtx;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.stream.StreamFrame;
import dev.replicafs.replication.stream.StreamProtocolException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives and applies LTX frames on a replica. Before anything is written it checks the name (the
 * store's rules and {@code lease.databases}) and, from the file's header, position continuity
 * against the position the files already queued leave: an incremental file must start at TXID + 1
 * with the current checksum, and only a snapshot may create a database. The store then verifies the
 * whole file (CRC-64 file checksum, page set, post-apply checksum) while spooling it, and applies
 * queued files of one database as a group ({@link Db#apply(List)}), keeping them in the replica's
 * own {@code ltx/} directory. A snapshot that replaces transactions the primary does not have logs
 * their TXIDs.
 */
final class LtxFrameApplier {
  private static final Logger log = LoggerFactory.getLogger(LtxFrameApplier.class);

  /** A frame whose header has been read; its body is not consumed yet. */
  record Incoming(String db, LtxHeader header, InputStream file) {}

  /** A received, verified file waiting in a group. */
  record Received(String db, LtxHeader header, ReceivedLtx file, boolean isNew, Pos before) {}

  private final Store store;
  private final ReplicaOptions options;
  private final ReplicaLag lag;

  LtxFrameApplier(Store store, ReplicaOptions options, ReplicaLag lag) {
    this.store = store;
    this.options = options;
    this.lag = lag;
  }

  /** Checks the name and reads the LTX header of a frame. */
  Incoming open(StreamFrame.Ltx frame, InputStream body) throws IOException {
    String name = DatabaseName.validate(frame.db());
    if (!options.wants(name)) {
      throw new StreamProtocolException(
          StreamProtocolException.Kind.BAD_PAYLOAD,
          "primary sent db=" + name + " which is outside lease.databases " + options.databases());
    }
    byte[] head = body.readNBytes(LtxHeader.SIZE);
    if (head.length < LtxHeader.SIZE) {
      throw new StreamProtocolException(
          StreamProtocolException.Kind.TRUNCATED,
          "ltx file for db=" + name + " is shorter than an LTX header");
    }
    LtxHeader h = LtxHeader.decode(head, 0, true);
    return new Incoming(name, h, new SequenceInputStream(new ByteArrayInputStream(head), body));
  }

  /** Whether {@code in}'s database exists on this replica. */
  boolean exists(Incoming in) {
    return store.db(in.db()).isPresent();
  }

  /** The position of {@code db} on this replica, zero if it has none. */
  Pos position(String db) {
    return store.db(db).map(Db::pos).orElse(Pos.ZERO);
  }

  /**
   * Checks continuity against {@code before} (the position the files queued ahead of it leave) and
   * spools and verifies the file; nothing is applied.
   */
  Received receive(Incoming in, Pos before) throws IOException {
    LtxHeader h = in.header();
    Db db = store.db(in.db()).orElse(null);
    // This node's own halted commit, streamed back by the primary: the store skips a file it
    // already recorded (docs/LOCKS.md, "The halt lock").
    boolean echo =
        db != null
            && h.minTxid() == h.maxTxid()
            && Long.compareUnsigned(h.maxTxid(), before.txid()) <= 0;
    if (!h.isSnapshot() && !echo) {
      if (h.minTxid() != before.txid() + 1 || h.preApplyChecksum() != before.postApplyChecksum()) {
        throw new PositionMismatchException(
            String.format(
                "position mismatch on db=%s: ltx file %s (pre-apply checksum %016x) does not"
                    + " continue pos=%s; reconnecting",
                in.db(), LtxFileName.of(h), h.preApplyChecksum(), before));
      }
    }
    // A database this replica does not have yet is created only once its first file arrived
    // whole and verified, so a broken stream leaves no empty database behind.
    ReceivedLtx file = db == null ? store.receiveNew(in.db(), in.file()) : db.receive(in.file());
    return new Received(in.db(), h, file, db == null, before);
  }

  /**
   * Applies a group of received files of one database in order (a new database or a snapshot is a
   * group of one); returns the position after each.
   */
  List<Pos> apply(List<Received> group) throws IOException {
    Received first = group.get(0);
    List<Pos> after;
    List<LtxFileName> replaced = List.of();
    if (first.isNew()) {
      after = List.of(store.applyNew(first.file()));
    } else {
      Db db = store.db(first.db()).orElseThrow();
      if (first.header().isSnapshot()
          && Long.compareUnsigned(first.before().txid(), first.header().maxTxid()) >= 0) {
        replaced = db.ltxFiles();
      }
      List<ReceivedLtx> files = new ArrayList<>(group.size());
      group.forEach(r -> files.add(r.file()));
      after = db.apply(files);
    }
    for (int i = 0; i < group.size(); i++) {
      Received r = group.get(i);
      lag.observe(r.header().timestamp());
      log.debug(
          "applied ltx: db={} file={} pos={}", r.db(), LtxFileName.of(r.header()), after.get(i));
    }
    Pos before = first.before();
    Pos end = after.get(after.size() - 1);
    if (first.header().isSnapshot() && !before.isZero() && diverged(before, end)) {
      log.warn(
          "discarded divergent transactions the primary does not have: db={} local={} primary={}"
              + " discardedTxids={}..{} replacedFiles={}",
          first.db(),
          before,
          end,
          String.format("%016x", Math.min(end.txid() + 1, before.txid())),
          String.format("%016x", before.txid()),
          replaced);
    }
    return after;
  }

  private static boolean diverged(Pos before, Pos after) {
    return Long.compareUnsigned(before.txid(), after.txid()) > 0
        || (before.txid() == after.txid()
            && before.postApplyChecksum() != after.postApplyChecksum());
  }
}
