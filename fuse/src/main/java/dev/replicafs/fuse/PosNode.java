package dev.replicafs.fuse;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.Db;
import java.time.Instant;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * {@code <db>-pos}: the database's replication position as {@code "%016x/%016x\n"} (TXID / post-
 * apply checksum), 34 bytes, mode 0666 (as LiteFS; writes are refused), mtime = timestamp of the
 * LTX file that recorded it. Listed with every non-empty database.
 */
final class PosNode implements Node {
  static final int SIZE = 34;
  private final Db db;

  PosNode(Db db) {
    this.db = db;
  }

  static String render(Pos p) {
    return String.format("%016x/%016x\n", p.txid(), p.postApplyChecksum());
  }

  @Override
  public void getattr(FileStat st) {
    Attrs.file(st, 0666, SIZE, Instant.ofEpochMilli(db.posTimestamp()));
  }

  @Override
  public void open(FuseFileInfo fi) throws ErrnoException {
    VirtualFile.openUncached(fi);
  }

  @Override
  public int read(Pointer buf, long size, long offset) {
    return NativeBuffers.copy(VirtualFile.ascii(render(db.committedPos())), offset, size, buf);
  }
}
