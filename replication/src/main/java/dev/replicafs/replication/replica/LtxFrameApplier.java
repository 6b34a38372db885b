package dev.replicafs.replication.replica;

import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.DatabaseName;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.stream.StreamFrame;
import dev.replicafs.replication.stream.StreamProtocolException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one LTX frame on a replica. Before anything is written it checks the name (the store's
 * rules and {@code lease.databases}) and, from the file's header, position continuity: an
 * incremental file must start at TXID + 1 with the current checksum, and only a snapshot may create
 * a database. The store then verifies the whole file (CRC-64 file checksum, page set, post-apply
 * checksum) before changing the database, and keeps the file in the replica's own {@code ltx/}
 * directory. A snapshot that replaces transactions the primary does not have logs their TXIDs.
 */
final class LtxFrameApplier {
  private static final Logger log = LoggerFactory.getLogger(LtxFrameApplier.class);

  private final Store store;
  private final ReplicaOptions options;
  private final ReplicaLag lag;

  LtxFrameApplier(Store store, ReplicaOptions options, ReplicaLag lag) {
    this.store = store;
    this.options = options;
    this.lag = lag;
  }

  Pos apply(StreamFrame.Ltx frame, InputStream body) throws IOException {
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
    Db db = store.db(name).orElse(null);
    Pos before = db == null ? Pos.ZERO : db.pos();
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
                name, LtxFileName.of(h), h.preApplyChecksum(), before));
      }
    }
    List<LtxFileName> replaced =
        h.isSnapshot() && db != null && Long.compareUnsigned(before.txid(), h.maxTxid()) >= 0
            ? db.ltxFiles()
            : List.of();
    Pos after;
    InputStream file = new SequenceInputStream(new ByteArrayInputStream(head), body);
    if (db == null) {
      after = applyNew(name, file);
    } else {
      after = db.apply(file);
    }
    lag.observe(h.timestamp());
    if (h.isSnapshot() && !before.isZero() && diverged(before, after)) {
      log.warn(
          "discarded divergent transactions the primary does not have: db={} local={} primary={}"
              + " discardedTxids={}..{} replacedFiles={}",
          name,
          before,
          after,
          String.format("%016x", Math.min(after.txid() + 1, before.txid())),
          String.format("%016x", before.txid()),
          replaced);
    } else {
      log.debug("applied ltx: db={} file={} pos={}", name, LtxFileName.of(h), after);
    }
    return after;
  }

  /**
   * A database this replica does not have yet is created only once its first file arrived whole and
   * verified, so a broken stream leaves no empty database behind.
   */
  private Pos applyNew(String name, InputStream file) throws IOException {
    Path tmp = Files.createTempFile(store.dataDir(), ".receive-", ".ltx.tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        file.transferTo(out);
      }
      try (InputStream in = new BufferedInputStream(Files.newInputStream(tmp), 1 << 16)) {
        LtxDecoder.open(in).verify();
      }
      try (InputStream in = Files.newInputStream(tmp)) {
        return store.create(name).apply(in);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static boolean diverged(Pos before, Pos after) {
    return Long.compareUnsigned(before.txid(), after.txid()) > 0
        || (before.txid() == after.txid()
            && before.postApplyChecksum() != after.postApplyChecksum());
  }
}
