package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.InvalidDatabaseNameException;
import dev.replicafs.replication.store.Store;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import jnr.ffi.Pointer;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The ReplicaFS file system: jnr-fuse callbacks, each resolved to a {@link Node} by its path and
 * run through {@link Callbacks} (the single exception-to-errno edge).
 *
 * <p>Operations and their answers: the data files pass through to the {@link Db}; creating a new
 * name creates a database (primary only); unlinking a database drops it; {@code mkdir}, {@code
 * rmdir}, {@code rename}, links, {@code mknod}, {@code chmod} and {@code chown} are refused with
 * EPERM (the mount is flat and its names are fixed); extended attributes answer ENOSYS so the
 * kernel stops asking; {@code statfs} reports the data directory's file system.
 *
 * <p>Over 400 lines would be a smell; at about 300 it is one method per FUSE operation, each a few
 * lines of dispatch.
 */
public final class ReplicaFileSystem extends FuseStubFS implements FuseMount.Notifying {
  private final Store store;
  private final MountStatus status;
  private final KernelCache cache;
  private final Instant mountTime;
  private final RequestCounter requests = new RequestCounter();

  /** A file system over {@code store}, to be mounted at {@code mountPoint}. */
  public ReplicaFileSystem(Store store, MountStatus status, KernelCache cache, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.status = Objects.requireNonNull(status, "status");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.mountTime = clock.instant();
  }

  /** The handle for invalidating kernel caches of this mount. */
  public KernelCache kernelCache() {
    return cache;
  }

  /** FUSE requests served so far, per operation. */
  public RequestCounter requests() {
    return requests;
  }

  @Override
  protected String getFSName() {
    return MountOptions.FS_NAME;
  }

  @Override
  public Pointer init(Pointer conn) {
    cache.attach(getContext().fuse.get());
    return null;
  }

  @Override
  public void beforeUnmount() {
    cache.detach();
  }

  Node resolve(NodeName n) throws ErrnoException {
    switch (n.type()) {
      case PRIMARY:
        return new PrimaryNode(status, mountTime);
      case LAG:
        return new LagNode(status);
      case ROOT:
        throw new ErrnoException(Errno.EISDIR, "the mount root is a directory");
      default:
        break;
    }
    Db db =
        store
            .db(n.db())
            .orElseThrow(() -> new ErrnoException(Errno.ENOENT, "no such database: " + n.db()));
    return switch (n.type()) {
      case DATABASE -> new DatabaseNode(db, status, mountTime);
      case JOURNAL -> new JournalNode(db, status, mountTime);
      case WAL -> new WalNode(db, status, mountTime);
      case SHM -> new ShmNode(db, status, mountTime);
      case POS -> new PosNode(db);
      default -> new LockNode(db, mountTime);
    };
  }

  private Node node(String path) throws ErrnoException {
    return resolve(NodeName.parse(path));
  }

  @Override
  public int getattr(String path, FileStat stat) {
    requests.count("getattr");
    return Callbacks.run(
        "getattr",
        path,
        () -> {
          NodeName n = NodeName.parse(path);
          if (n.type() == NodeName.Type.ROOT) {
            Attrs.directory(stat, status.isPrimary() ? 0777 : 0555, mountTime);
          } else {
            resolve(n).getattr(stat);
          }
          return 0;
        });
  }

  @Override
  public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
    return getattr(path, stat);
  }

  @Override
  public int readdir(
      String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
    requests.count("readdir");
    return Callbacks.run(
        "readdir",
        path,
        () -> {
          if (NodeName.parse(path).type() != NodeName.Type.ROOT) {
            throw new ErrnoException(Errno.ENOTDIR, "not a directory: " + path);
          }
          filler.apply(buf, ".", null, 0);
          filler.apply(buf, "..", null, 0);
          for (String name : DirectoryListing.names(store, status)) {
            filler.apply(buf, name, null, 0);
          }
          return 0;
        });
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    requests.count("open");
    return Callbacks.run(
        "open",
        path,
        () -> {
          node(path).open(fi);
          return 0;
        });
  }

  @Override
  public int create(String path, @mode_t long mode, FuseFileInfo fi) {
    requests.count("create");
    return Callbacks.run(
        "create",
        path,
        () -> {
          NodeName n = NodeName.parse(path);
          FileKind kind = n.type().fileKind();
          if (kind == null) {
            throw new ErrnoException(Errno.EPERM, "cannot create " + n.fileName());
          }
          if (kind == FileKind.DATABASE) {
            createDatabase(n.db());
          } else {
            Db db =
                store
                    .db(n.db())
                    .orElseThrow(() -> new ErrnoException(Errno.ENOENT, "no such database"));
            db.create(kind);
          }
          resolve(n).open(fi);
          return 0;
        });
  }

  private void createDatabase(String name) throws Exception {
    if (!status.isPrimary()
        && store.db(name).filter(db -> db.exists(FileKind.DATABASE)).isEmpty()) {
      throw new ErrnoException(
          Errno.EACCES, "read-only replica: databases are created on the primary, " + name);
    }
    try {
      store.create(name);
    } catch (InvalidDatabaseNameException e) {
      throw new ErrnoException(Errno.EINVAL, e.getMessage());
    }
  }

  @Override
  public int read(String path, Pointer buf, @size_t long size, @off_t long off, FuseFileInfo fi) {
    requests.count("read");
    return Callbacks.run("read", path, () -> node(path).read(buf, size, off));
  }

  @Override
  public int write(String path, Pointer buf, @size_t long size, @off_t long off, FuseFileInfo fi) {
    requests.count("write");
    return Callbacks.run("write", path, () -> node(path).write(buf, size, off));
  }

  @Override
  public int truncate(String path, @off_t long size) {
    requests.count("truncate");
    return Callbacks.run(
        "truncate",
        path,
        () -> {
          node(path).truncate(size);
          return 0;
        });
  }

  @Override
  public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
    return truncate(path, size);
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    requests.count("fsync");
    return Callbacks.run(
        "fsync",
        path,
        () -> {
          node(path).fsync(isdatasync != 0);
          return 0;
        });
  }

  @Override
  public int fsyncdir(String path, FuseFileInfo fi) {
    requests.count("fsyncdir");
    return 0;
  }

  @Override
  public int flush(String path, FuseFileInfo fi) {
    requests.count("flush");
    return 0;
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    requests.count("release");
    if (!path.endsWith("-lock")) {
      return 0;
    }
    return Callbacks.run(
        "release",
        path,
        () -> {
          node(path).release(fi);
          return 0;
        });
  }

  @Override
  public int unlink(String path) {
    requests.count("unlink");
    return Callbacks.run(
        "unlink",
        path,
        () -> {
          node(path).unlink();
          return 0;
        });
  }

  @Override
  public int lock(String path, FuseFileInfo fi, int cmd, Flock flock) {
    requests.count("lock");
    if (path == null) {
      // hard_remove: the file was unlinked while open (a dropped or replaced database); its
      // locks went with it, so a release succeeds and anything else finds no file
      return flock.l_type.get() == Flock.F_UNLCK ? 0 : -Errno.ENOENT;
    }
    return Callbacks.run("lock", path, () -> node(path).lock(fi, cmd, flock));
  }

  @Override
  public int statfs(String path, Statvfs st) {
    requests.count("statfs");
    return Callbacks.run(
        "statfs",
        path,
        () -> {
          FileStore fs = Files.getFileStore(store.dataDir());
          long bsize = fs.getBlockSize();
          st.f_bsize.set(bsize);
          st.f_frsize.set(bsize);
          st.f_blocks.set(fs.getTotalSpace() / bsize);
          st.f_bfree.set(fs.getUnallocatedSpace() / bsize);
          st.f_bavail.set(fs.getUsableSpace() / bsize);
          st.f_namemax.set(255);
          return 0;
        });
  }

  @Override
  public int utimens(String path, Timespec[] timespec) {
    requests.count("utimens");
    return Callbacks.run(
        "utimens",
        path,
        () -> {
          node(path);
          return 0;
        });
  }

  @Override
  public int mkdir(String path, @mode_t long mode) {
    return refuse("mkdir", path, "the mount is flat: no directories");
  }

  @Override
  public int rmdir(String path) {
    return refuse("rmdir", path, "the mount is flat: no directories");
  }

  @Override
  public int rename(String oldpath, String newpath) {
    return refuse("rename", oldpath, "databases cannot be renamed; use export and import");
  }

  @Override
  public int link(String oldpath, String newpath) {
    return refuse("link", oldpath, "links are not supported");
  }

  @Override
  public int symlink(String oldpath, String newpath) {
    return refuse("symlink", newpath, "links are not supported");
  }

  @Override
  public int mknod(String path, @mode_t long mode, long rdev) {
    return refuse("mknod", path, "only SQLite files can be created");
  }

  @Override
  public int chmod(String path, @mode_t long mode) {
    return refuse("chmod", path, "modes are fixed by the node's role");
  }

  @Override
  public int chown(String path, long uid, long gid) {
    return refuse("chown", path, "owners are fixed");
  }

  @Override
  public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
    return -Errno.ENOSYS;
  }

  @Override
  public int getxattr(String path, String name, Pointer value, @size_t long size) {
    return -Errno.ENOSYS;
  }

  @Override
  public int listxattr(String path, Pointer list, @size_t long size) {
    return -Errno.ENOSYS;
  }

  @Override
  public int removexattr(String path, String name) {
    return -Errno.ENOSYS;
  }

  private int refuse(String op, String path, String why) {
    requests.count(op);
    return Callbacks.run(
        op,
        path,
        () -> {
          throw new ErrnoException(Errno.EPERM, why);
        });
  }
}
