package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link FileOps} on the real file system; labels are ignored. */
public final class DiskFileOps implements FileOps {
  /** The shared instance; the class holds no state. */
  public static final DiskFileOps INSTANCE = new DiskFileOps();

  private DiskFileOps() {}

  @Override
  public FileChannel open(String op, Path path, OpenOption... options) throws IOException {
    return FileChannel.open(path, options);
  }

  @Override
  public int read(String op, FileChannel ch, ByteBuffer dst, long position) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, position + total);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
    }
    return total;
  }

  @Override
  public int write(String op, FileChannel ch, ByteBuffer src, long position) throws IOException {
    int total = 0;
    while (src.hasRemaining()) {
      total += ch.write(src, position + total);
    }
    return total;
  }

  @Override
  public void truncate(String op, FileChannel ch, long size) throws IOException {
    long current = ch.size();
    if (size < current) {
      ch.truncate(size);
    } else if (size > current) {
      ch.write(ByteBuffer.allocate(1), size - 1);
    }
  }

  @Override
  public void force(String op, FileChannel ch) throws IOException {
    ch.force(true);
  }

  @Override
  public void forceData(String op, FileChannel ch) throws IOException {
    ch.force(false);
  }

  @Override
  public long size(String op, FileChannel ch) throws IOException {
    return ch.size();
  }

  @Override
  public void move(String op, Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public boolean deleteIfExists(String op, Path path) throws IOException {
    return Files.deleteIfExists(path);
  }

  @Override
  public void syncDirectory(String op, Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public void createDirectories(String op, Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  public List<Path> list(String op, Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.sorted().forEach(out::add);
    } catch (NoSuchFileException e) {
      return out;
    }
    return out;
  }

  @Override
  public java.nio.file.attribute.BasicFileAttributes attributes(String op, Path path)
      throws IOException {
    return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
  }

  @Override
  public boolean exists(String op, Path path) {
    return Files.exists(path);
  }
}
