package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * {@code <db>-pos}: the database's replication position as {@code "%016x/%016x\n"} (TXID / post-
 * apply checksum), 34 bytes, mode 0666 (as LiteFS; writes are refused), mtime = when the last
 * transaction was applied. Listed with every non-empty database.
 */
final class PosNode implements Node {
  static final int SIZE = 34;
  private final Db db;
  private final MountStatus status;

  PosNode(Db db, MountStatus status) {
    this.db = db;
    this.status = status;
  }

  static String render(MountStatus.Position p) {
    return String.format("%016x/%016x\n", p.txid(), p.checksum());
  }

  @Override
  public void getattr(FileStat st) {
    Attrs.file(st, 0666, SIZE, status.position(db).timestamp());
  }

  @Override
  public void open(FuseFileInfo fi) throws ErrnoException {
    VirtualFile.openUncached(fi);
  }

  @Override
  public int read(Pointer buf, long size, long offset) {
    return NativeBuffers.copy(VirtualFile.ascii(render(status.position(db))), offset, size, buf);
  }
}
