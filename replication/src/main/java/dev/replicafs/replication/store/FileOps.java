package dev.replicafs.replication.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The one seam through which the store touches the disk. Every call carries an operation label such
 * as {@code "COMMIT:LTX_FSYNC"} ({@code PATH:STEP}) naming the step it performs, so a test can fail
 * or stop exactly one step of the commit, apply or recovery path and check that the store recovers.
 * {@link DiskFileOps} is the production implementation.
 *
 * <p>Labels are stable strings: the part before the colon names the path (COMMIT, WAL_COMMIT,
 * APPLY, SNAPSHOT, RECOVER, RETAIN, OPEN, CLUSTERID, FILE), the part after it the step.
 */
public interface FileOps {
  /** Opens a channel; {@code options} as for {@link FileChannel#open(Path, OpenOption...)}. */
  FileChannel open(String op, Path path, OpenOption... options) throws IOException;

  /** Positional read; returns the bytes read, or -1 at end of file. */
  int read(String op, FileChannel ch, ByteBuffer dst, long position) throws IOException;

  /** Positional write of all remaining bytes of {@code src}; returns the bytes written. */
  int write(String op, FileChannel ch, ByteBuffer src, long position) throws IOException;

  /** Sets the file's size, growing it with zeros or shrinking it. */
  void truncate(String op, FileChannel ch, long size) throws IOException;

  /** Makes the file's data and metadata durable ({@code fsync}). */
  void force(String op, FileChannel ch) throws IOException;

  /**
   * Makes the file's data durable, and of its metadata only what reading the data back needs, such
   * as its size ({@code fdatasync}): what SQLite asks for on Linux. Defaults to {@link #force}.
   */
  default void forceData(String op, FileChannel ch) throws IOException {
    force(op, ch);
  }

  /** Current size of the file behind the channel. */
  long size(String op, FileChannel ch) throws IOException;

  /** Atomically renames {@code source} to {@code target}, replacing it. */
  void move(String op, Path source, Path target) throws IOException;

  /** Deletes a file if it exists; returns whether it existed. */
  boolean deleteIfExists(String op, Path path) throws IOException;

  /** Makes a directory's entries durable ({@code fsync} of the directory). */
  void syncDirectory(String op, Path dir) throws IOException;

  /** Creates a directory and its parents if missing. */
  void createDirectories(String op, Path dir) throws IOException;

  /** Entries of a directory, sorted by name; empty if the directory does not exist. */
  List<Path> list(String op, Path dir) throws IOException;

  /** Size and modification time of a file. */
  java.nio.file.attribute.BasicFileAttributes attributes(String op, Path path) throws IOException;

  /** Whether a file exists. */
  boolean exists(String op, Path path) throws IOException;
}
