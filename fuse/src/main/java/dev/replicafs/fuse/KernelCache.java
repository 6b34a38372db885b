package dev.replicafs.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * Drops what the kernel caches about a file of the mount after the store changed the file behind
 * the kernel's back (an LTX applied on a replica, recovery): page-cache ranges, attributes, names.
 *
 * <p>jnr-fuse binds only libfuse's high-level API, which has no invalidation call. A notification
 * is one {@code write} of a message to the {@code /dev/fuse} descriptor (what libfuse's {@code
 * fuse_lowlevel_notify_inval_inode}/{@code _entry} send); this class writes it itself, on its own
 * duplicate of the descriptor, taken in the init callback through jnr-ffi:
 *
 * <pre>
 *   struct fuse *f = fuse_get_context()->fuse          (captured in the init callback)
 *   fd = fcntl(fuse_chan_fd(fuse_session_next_chan(fuse_get_session(f), NULL)), F_DUPFD_CLOEXEC, 0)
 *   write(fd, {fuse_out_header{len, FUSE_NOTIFY_INVAL_INODE, 0}, {nodeid, offset, length}})
 *   write(fd, {fuse_out_header{len, FUSE_NOTIFY_INVAL_ENTRY, 0}, {parent, namelen, 0}, name, '\0'})
 * </pre>
 *
 * <p>The duplicate keeps the connection's file open whatever libfuse does with its channel: after
 * an unmount (by this process or an operator's {@code fusermount -u}) a notification is answered
 * {@code ENOENT} (the kernel holds no inode) instead of reaching a channel libfuse freed, which
 * crashed the process. {@link #detach} closes it.
 *
 * <p>The high-level API numbers nodes itself. Without the {@code use_ino} option libfuse reports
 * that node id as {@code st_ino}, so {@code lstat} of the file on the mount yields the id the
 * kernel knows it by. That {@code lstat} is a request to this very daemon, so an id is kept for
 * {@link #ID_LIFETIME} (an apply invalidates page after page of one file): the kernel may forget an
 * inode meanwhile, and libfuse then hands out a new id on the next lookup, so a notification for a
 * kept id that the kernel no longer holds ({@code -ENOENT}) looks the id up again and retries; an
 * {@code -ENOENT} for a freshly looked-up id is success (nothing cached, nothing stale). libfuse
 * reuses an id only after 2^32 new ones, which cannot happen within the lifetime. A name that
 * appeared or disappeared ({@link #invalidateEntry}) or a role change forgets the kept ids.
 *
 * <p>Must not be called from a FUSE request thread: the kernel may write dirty pages back (a
 * request to this daemon) before it answers the notification.
 */
public final class KernelCache {
  private static final long ROOT_ID = 1;
  private static final int ENOENT = 2;
  private static final int EIO = 5;

  /** The libfuse 2.9 calls that lead from {@code struct fuse} to its {@code /dev/fuse} fd. */
  public interface LowLevel {
    Pointer fuse_get_session(Pointer fuse);

    Pointer fuse_session_next_chan(Pointer session, Pointer previous);

    int fuse_chan_fd(Pointer chan);
  }

  /** The libc calls: duplicate, write to and close the descriptor. */
  public interface LibC {
    int fcntl(int fd, int cmd, int arg);

    @jnr.ffi.annotations.SaveError
    long write(int fd, @jnr.ffi.annotations.In byte[] buf, long count);

    int close(int fd);
  }

  private static final int F_DUPFD_CLOEXEC = 1030;
  private static final int FUSE_NOTIFY_INVAL_INODE = 2;
  private static final int FUSE_NOTIFY_INVAL_ENTRY = 3;
  private static final int OUT_HEADER = 16;

  /** How long a node id looked up through the mount is used without looking it up again. */
  static final java.time.Duration ID_LIFETIME = java.time.Duration.ofSeconds(1);

  private record KnownId(long id, long atNanos) {}

  private final Path mountPoint;
  private final LowLevel lib;
  private final LibC libc;
  private final jnr.ffi.Runtime runtime;

  /** Our duplicate of the connection's {@code /dev/fuse} descriptor; -1 when not attached. */
  private volatile int fd = -1;

  private final java.util.concurrent.ConcurrentHashMap<String, KnownId> ids =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong lookups =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong staleIds =
      new java.util.concurrent.atomic.AtomicLong();
  private final long idLifetimeNanos;

  /**
   * Read-held around each notification; write-held by {@link #attach} and {@link #detach}, so the
   * descriptor is not closed under a notification.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock life =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  /** A cache handle for the mount at {@code mountPoint}; usable once {@link #attach} ran. */
  public KernelCache(Path mountPoint) {
    this(mountPoint, ID_LIFETIME);
  }

  /** As above, keeping looked-up node ids for {@code idLifetime} (tests). */
  KernelCache(Path mountPoint, java.time.Duration idLifetime) {
    this.mountPoint = Objects.requireNonNull(mountPoint, "mountPoint");
    this.idLifetimeNanos = idLifetime.toNanos();
    this.lib = load();
    this.libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
    this.runtime = jnr.ffi.Runtime.getRuntime(libc);
  }

  private static LowLevel load() {
    try {
      return LibraryLoader.create(LowLevel.class).failImmediately().load("fuse");
    } catch (UnsatisfiedLinkError e) {
      return LibraryLoader.create(LowLevel.class).failImmediately().load("libfuse.so.2");
    }
  }

  /** Called from the file system's init callback with {@code fuse_get_context()->fuse}. */
  void attach(Pointer fuse) {
    Pointer chan = lib.fuse_session_next_chan(lib.fuse_get_session(fuse), null);
    int dup = libc.fcntl(lib.fuse_chan_fd(chan), F_DUPFD_CLOEXEC, 0);
    if (dup < 0) {
      throw new IllegalStateException("cannot duplicate the /dev/fuse descriptor of " + mountPoint);
    }
    life.writeLock().lock();
    try {
      if (fd >= 0) {
        libc.close(fd);
      }
      fd = dup;
    } finally {
      life.writeLock().unlock();
    }
  }

  /** The mount point this cache belongs to. */
  public Path mountPoint() {
    return mountPoint;
  }

  /**
   * Called before this process unmounts ({@link FuseMount#close}) and from the destroy callback:
   * waits for notifications in flight and closes the duplicate descriptor; later notifications find
   * nothing cached. (Before the duplicate, notifications went through libfuse's channel, which
   * libfuse frees in its teardown before the destroy callback: a notification then crashed the
   * process with SIGSEGV in {@code fuse_session_data}.)
   */
  void detach() {
    life.writeLock().lock();
    try {
      if (fd >= 0) {
        libc.close(fd);
        fd = -1;
      }
      ids.clear();
    } finally {
      life.writeLock().unlock();
    }
  }

  /** Whether the mount is up and notifications can be sent. */
  public boolean attached() {
    return fd >= 0;
  }

  /**
   * Drops cached pages of {@code name} from {@code offset} for {@code length} bytes (0 = to the
   * end) and its cached attributes. Dirty pages are written back first by the kernel.
   *
   * @return true when the kernel held the file (false when it had nothing cached)
   */
  public boolean invalidateData(String name, long offset, long length) throws IOException {
    return invalidateInode(name, offset, length, "invalidate " + name);
  }

  /** Drops the cached attributes (mode, size) of {@code name}, or of the root when empty. */
  public boolean invalidateAttributes(String name) throws IOException {
    if (name.isEmpty()) {
      int rc = notify(invalInode(ROOT_ID, -1, 0));
      check(rc, "invalidate attributes of the root");
      return rc == 0;
    }
    ids.remove(name);
    return invalidateInode(name, -1, 0, "invalidate attributes of " + name);
  }

  /**
   * {@code FUSE_NOTIFY_INVAL_INODE} for {@code name}: with the kept id, and once more with a
   * freshly looked-up one if the kernel no longer holds the kept one.
   */
  private boolean invalidateInode(String name, long offset, long length, String what)
      throws IOException {
    KnownId known = ids.get(name);
    boolean fresh = known == null || System.nanoTime() - known.atNanos() > idLifetimeNanos;
    long ino;
    try {
      ino = fresh ? lookUp(name) : known.id();
    } catch (NoSuchFileException e) {
      ids.remove(name);
      return false;
    }
    int rc = notify(invalInode(ino, offset, length));
    if (rc == -ENOENT && !fresh) {
      // the kernel forgot the inode since the id was looked up: it may know the name by a new id
      staleIds.incrementAndGet();
      try {
        ino = lookUp(name);
      } catch (NoSuchFileException e) {
        ids.remove(name);
        return false;
      }
      rc = notify(invalInode(ino, offset, length));
    }
    check(rc, what);
    return rc == 0;
  }

  private static void check(int rc, String what) throws IOException {
    if (rc != 0 && rc != -ENOENT) {
      throw new IOException("kernel refused to " + what + ": errno " + -rc);
    }
  }

  private long lookUp(String name) throws IOException {
    long id = nodeId(name);
    lookups.incrementAndGet();
    ids.put(name, new KnownId(id, System.nanoTime()));
    return id;
  }

  /** Node ids looked up through the mount so far (for tests). */
  long lookups() {
    return lookups.get();
  }

  /** Kept ids the kernel no longer held, looked up again (for tests). */
  long staleIds() {
    return staleIds.get();
  }

  /** Forgets every kept node id (after a role change: the kernel may renumber). */
  void forgetIds() {
    ids.clear();
  }

  /** Drops the kernel's cached name {@code name} (positive or negative) in the mount root. */
  public boolean invalidateEntry(String name) throws IOException {
    ids.remove(name);
    int rc = notify(invalEntry(ROOT_ID, name.getBytes(StandardCharsets.UTF_8)));
    if (rc == -ENOENT) {
      return false;
    }
    if (rc != 0) {
      throw new IOException("kernel refused to invalidate entry " + name + ": errno " + -rc);
    }
    return true;
  }

  /** The node id libfuse gave {@code name}, as reported by {@code lstat} on the mount. */
  long nodeId(String name) throws IOException {
    Object ino =
        java.nio.file.Files.getAttribute(
            mountPoint.resolve(name), "unix:ino", LinkOption.NOFOLLOW_LINKS);
    return ((Number) ino).longValue();
  }

  /** {@code FUSE_NOTIFY_INVAL_INODE}: header, then {@code fuse_notify_inval_inode_out}. */
  static byte[] invalInode(long nodeId, long offset, long length) {
    java.nio.ByteBuffer b = message(FUSE_NOTIFY_INVAL_INODE, 24);
    b.putLong(nodeId).putLong(offset).putLong(length);
    return b.array();
  }

  /**
   * {@code FUSE_NOTIFY_INVAL_ENTRY}: header, {@code fuse_notify_inval_entry_out} (parent, name
   * length, padding), the name and its terminating zero.
   */
  static byte[] invalEntry(long parent, byte[] name) {
    java.nio.ByteBuffer b = message(FUSE_NOTIFY_INVAL_ENTRY, 16 + name.length + 1);
    b.putLong(parent).putInt(name.length).putInt(0).put(name).put((byte) 0);
    return b.array();
  }

  /** A buffer holding {@code fuse_out_header} (length, notify code as error, unique 0). */
  private static java.nio.ByteBuffer message(int code, int bodyLength) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(OUT_HEADER + bodyLength)
            .order(java.nio.ByteOrder.nativeOrder());
    b.putInt(OUT_HEADER + bodyLength).putInt(code).putLong(0);
    return b;
  }

  /**
   * Writes one notification to the duplicate descriptor, which {@link #detach} cannot close
   * meanwhile; returns 0 or the negated errno. Without a mount (not yet initialised, or unmounted)
   * the kernel caches nothing of it: {@code -ENOENT}.
   */
  private int notify(byte[] message) {
    life.readLock().lock();
    try {
      int f = fd;
      if (f < 0) {
        return -ENOENT;
      }
      long n = libc.write(f, message, message.length);
      if (n == message.length) {
        return 0;
      }
      return n < 0 ? -runtime.getLastError() : -EIO;
    } finally {
      life.readLock().unlock();
    }
  }
}
