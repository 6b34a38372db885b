package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxHeader;
import java.io.IOException;

/**
 * An LTX file received from the primary, spooled and verified by {@link Db#receive} but not yet
 * applied. {@link Db#apply(java.util.List)} applies it; closing it deletes its temporary files if
 * it was not applied (idempotent).
 */
public final class ReceivedLtx implements AutoCloseable {
  private final Db db;
  private final LtxApplier.Verified verified;
  private boolean taken;
  private boolean closed;

  ReceivedLtx(Db db, LtxApplier.Verified verified) {
    this.db = db;
    this.verified = verified;
  }

  /** The database it belongs to. */
  public Db db() {
    return db;
  }

  /** Its header. */
  public LtxHeader header() {
    return verified.header();
  }

  /** Its length in bytes. */
  public long size() {
    return verified.size();
  }

  /** The position applying it leads to: its MaxTXID and post-apply checksum. */
  public dev.replicafs.replication.ltx.Pos pos() {
    return new dev.replicafs.replication.ltx.Pos(
        verified.header().maxTxid(), verified.trailer().postApplyChecksum());
  }

  /** Hands the file to an apply of {@code target}, once. */
  LtxApplier.Verified take(Db target) {
    if (target != db) {
      throw new IllegalArgumentException(
          "ltx file received for db=" + db.name() + " applied to db=" + target.name());
    }
    if (taken || closed) {
      throw new IllegalStateException("ltx file already applied or discarded: db=" + db.name());
    }
    taken = true;
    return verified;
  }

  /**
   * Moves the received file (and its temporary database) into {@code target}'s directories and
   * returns it as {@code target}'s; this one is then empty. Used by {@link Store#applyNew}.
   */
  ReceivedLtx moveTo(Db target) throws IOException {
    LtxApplier.Verified v = take(db);
    target.ops.createDirectories("APPLY:LTX_MKDIR", target.ltx.dir());
    java.nio.file.Path tmp = target.ltx.dir().resolve(v.tmp().getFileName());
    target.ops.move("APPLY:LTX_MOVE", v.tmp(), tmp);
    SnapshotImage image = v.image();
    if (image != null) {
      image = image.moveTo(target);
    }
    return new ReceivedLtx(
        target,
        new LtxApplier.Verified(
            tmp, v.size(), v.header(), v.trailer(), v.pages(), v.kept(), image));
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    db.ops.deleteIfExists("APPLY:LTX_CLEANUP", verified.tmp());
    if (verified.image() != null) {
      verified.image().discard(db);
    }
  }
}
