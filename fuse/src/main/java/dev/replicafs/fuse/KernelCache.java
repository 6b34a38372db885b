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
 * <p>jnr-fuse binds only libfuse's high-level API, which has no invalidation call. libfuse 2.9 does
 * export the low-level notify calls, so this class binds them through jnr-ffi:
 *
 * <pre>
 *   struct fuse *f = fuse_get_context()->fuse          (captured in the init callback)
 *   struct fuse_chan *ch = fuse_session_next_chan(fuse_get_session(f), NULL)
 *   fuse_lowlevel_notify_inval_inode(ch, nodeid, offset, length)
 *   fuse_lowlevel_notify_inval_entry(ch, FUSE_ROOT_ID, name, strlen(name))
 * </pre>
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

  /** The libfuse 2.9 low-level notify entry points. */
  public interface LowLevel {
    Pointer fuse_get_session(Pointer fuse);

    Pointer fuse_session_next_chan(Pointer session, Pointer previous);

    int fuse_lowlevel_notify_inval_inode(Pointer chan, long ino, long offset, long length);

    int fuse_lowlevel_notify_inval_entry(Pointer chan, long parent, String name, long nameLength);
  }

  /** How long a node id looked up through the mount is used without looking it up again. */
  static final java.time.Duration ID_LIFETIME = java.time.Duration.ofSeconds(1);

  private record KnownId(long id, long atNanos) {}

  private final Path mountPoint;
  private final LowLevel lib;
  private volatile Pointer chan;
  private final java.util.concurrent.ConcurrentHashMap<String, KnownId> ids =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong lookups =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong staleIds =
      new java.util.concurrent.atomic.AtomicLong();
  private final long idLifetimeNanos;

  /**
   * Read-held around each notification; write-held by {@link #detach}, so the channel outlives
   * them.
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
    Pointer session = lib.fuse_get_session(fuse);
    this.chan = lib.fuse_session_next_chan(session, null);
  }

  /** The mount point this cache belongs to. */
  public Path mountPoint() {
    return mountPoint;
  }

  /**
   * Called before this process unmounts ({@link FuseMount#close}): waits for notifications in
   * flight; later ones find nothing cached. libfuse frees the channel in its teardown, before the
   * destroy callback, and a notification on a freed channel crashes the process (SIGSEGV in {@code
   * fuse_session_data}), which a kept node id would otherwise reach at shutdown without the failing
   * {@code lstat} that used to precede it. An unmount from outside the process (an operator's
   * {@code fusermount -u}) is not covered: the node stops then anyway.
   */
  void detach() {
    life.writeLock().lock();
    try {
      chan = null;
      ids.clear();
    } finally {
      life.writeLock().unlock();
    }
  }

  /** Whether the mount is up and notifications can be sent. */
  public boolean attached() {
    return chan != null;
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
      int rc = notify(ch -> lib.fuse_lowlevel_notify_inval_inode(ch, ROOT_ID, -1, 0));
      check(rc, "invalidate attributes of the root");
      return rc == 0;
    }
    ids.remove(name);
    return invalidateInode(name, -1, 0, "invalidate attributes of " + name);
  }

  /**
   * {@code fuse_lowlevel_notify_inval_inode} for {@code name}: with the kept id, and once more with
   * a freshly looked-up one if the kernel no longer holds the kept one.
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
    long first = ino;
    int rc = notify(ch -> lib.fuse_lowlevel_notify_inval_inode(ch, first, offset, length));
    if (rc == -ENOENT && !fresh) {
      // the kernel forgot the inode since the id was looked up: it may know the name by a new id
      staleIds.incrementAndGet();
      try {
        ino = lookUp(name);
      } catch (NoSuchFileException e) {
        ids.remove(name);
        return false;
      }
      long again = ino;
      rc = notify(ch -> lib.fuse_lowlevel_notify_inval_inode(ch, again, offset, length));
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
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    int rc = notify(ch -> lib.fuse_lowlevel_notify_inval_entry(ch, ROOT_ID, name, bytes.length));
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

  /**
   * Runs one notification on the channel, which {@link #detach} cannot free meanwhile. Without a
   * mount (not yet initialised, or unmounting) the kernel caches nothing of it: {@code -ENOENT}.
   */
  private int notify(java.util.function.ToIntFunction<Pointer> call) {
    life.readLock().lock();
    try {
      Pointer ch = chan;
      return ch == null ? -ENOENT : call.applyAsInt(ch);
    } finally {
      life.readLock().unlock();
    }
  }
}
