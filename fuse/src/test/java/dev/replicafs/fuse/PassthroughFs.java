package dev.replicafs.fuse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import jnr.ffi.Pointer;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * Measurement and experiment file system: the jnr-fuse equivalent of the C baseline (flat
 * passthrough to a backing directory, lock requests accepted and ignored). It exists to measure
 * what jnr-fuse itself costs and to try cache-coherence mechanisms; it is not ReplicaFS.
 */
final class PassthroughFs extends FuseStubFS implements FuseMount.Notifying {
  private final Path root;
  private final Predicate<String> directIo;
  private final boolean keepCache;
  private final KernelCache cache;
  private final Map<Long, FileChannel> handles = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(1);
  final RequestCounter requests = new RequestCounter();

  PassthroughFs(Path root, Path mountPoint, Predicate<String> directIo, boolean keepCache) {
    this(root, new KernelCache(mountPoint), directIo, keepCache);
  }

  PassthroughFs(Path root, KernelCache cache, Predicate<String> directIo, boolean keepCache) {
    this.root = root;
    this.directIo = directIo;
    this.keepCache = keepCache;
    this.cache = cache;
  }

  KernelCache cache() {
    return cache;
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

  private Path file(String path) {
    return root.resolve(path.substring(1));
  }

  @Override
  public int getattr(String path, FileStat stat) {
    requests.count("getattr");
    return Callbacks.run(
        "getattr",
        path,
        () -> {
          if (path.equals("/")) {
            stat.st_mode.set(FileStat.S_IFDIR | 0755);
            stat.st_nlink.set(2);
            return 0;
          }
          BasicFileAttributes a = Files.readAttributes(file(path), BasicFileAttributes.class);
          stat.st_mode.set(FileStat.S_IFREG | 0644);
          stat.st_nlink.set(1);
          stat.st_size.set(a.size());
          stat.st_mtim.tv_sec.set(a.lastModifiedTime().toMillis() / 1000);
          return 0;
        });
  }

  @Override
  public int readdir(
      String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
    requests.count("readdir");
    return Callbacks.run(
        "readdir",
        path,
        () -> {
          filler.apply(buf, ".", null, 0);
          filler.apply(buf, "..", null, 0);
          try (Stream<Path> s = Files.list(root)) {
            s.forEach(p -> filler.apply(buf, p.getFileName().toString(), null, 0));
          }
          return 0;
        });
  }

  @Override
  public int create(String path, long mode, FuseFileInfo fi) {
    requests.count("create");
    return Callbacks.run("create", path, () -> openFile(path, fi, true));
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    requests.count("open");
    return Callbacks.run("open", path, () -> openFile(path, fi, false));
  }

  private int openFile(String path, FuseFileInfo fi, boolean create) throws IOException {
    Set<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (create) {
      opts.add(StandardOpenOption.CREATE);
    } else if (!Files.exists(file(path))) {
      throw new NoSuchFileException(path);
    }
    FileChannel ch = FileChannel.open(file(path), opts);
    long fh = nextHandle.getAndIncrement();
    handles.put(fh, ch);
    fi.fh.set(fh);
    OpenFlags.set(fi, directIo.test(path), keepCache && !directIo.test(path));
    return 0;
  }

  @Override
  public int read(
      String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    requests.count("read");
    return Callbacks.run(
        "read",
        path,
        () -> {
          ByteBuffer b = ByteBuffer.allocate((int) size);
          FileChannel ch = handles.get(fi.fh.get());
          int total = 0;
          while (b.hasRemaining()) {
            int n = ch.read(b, offset + total);
            if (n < 0) {
              break;
            }
            total += n;
          }
          buf.put(0, b.array(), 0, total);
          return total;
        });
  }

  @Override
  public int write(
      String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    requests.count("write");
    return Callbacks.run(
        "write",
        path,
        () -> {
          byte[] data = new byte[(int) size];
          buf.get(0, data, 0, data.length);
          ByteBuffer b = ByteBuffer.wrap(data);
          FileChannel ch = handles.get(fi.fh.get());
          while (b.hasRemaining()) {
            ch.write(b, offset + b.position());
          }
          return data.length;
        });
  }

  @Override
  public int truncate(String path, @off_t long size) {
    requests.count("truncate");
    return Callbacks.run(
        "truncate",
        path,
        () -> {
          try (FileChannel ch = FileChannel.open(file(path), StandardOpenOption.WRITE)) {
            ch.truncate(size);
          }
          return 0;
        });
  }

  @Override
  public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
    requests.count("ftruncate");
    return Callbacks.run(
        "ftruncate",
        path,
        () -> {
          handles.get(fi.fh.get()).truncate(size);
          return 0;
        });
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    requests.count("fsync");
    return Callbacks.run(
        "fsync",
        path,
        () -> {
          handles.get(fi.fh.get()).force(isdatasync == 0);
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
    return Callbacks.run(
        "release",
        path,
        () -> {
          FileChannel ch = handles.remove(fi.fh.get());
          if (ch != null) {
            ch.close();
          }
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
          Files.delete(file(path));
          return 0;
        });
  }

  @Override
  public int lock(String path, FuseFileInfo fi, int cmd, Flock flock) {
    requests.count("lock");
    if (cmd == LockCommand.F_GETLK) {
      flock.l_type.set(Flock.F_UNLCK);
    }
    return 0;
  }

  @Override
  public int utimens(String path, ru.serce.jnrfuse.struct.Timespec[] timespec) {
    return 0;
  }
}
