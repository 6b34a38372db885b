package dev.replicafs.replication.ltx;

import dev.replicafs.replication.ltx.LtxFormatException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Computes the rolling checksum of a database file from scratch (spec §8.4), optionally filling the
 * per-page checksums the store keeps in memory, in one pass.
 *
 * <p>The file is read with positional reads in chunks of {@value #CHUNK_BYTES} bytes; each worker
 * owns one direct buffer of that size, so memory is {@code parallelism * 4 MiB} whatever the file
 * size. Workers take chunks from a shared counter, XOR their pages into a private accumulator and
 * write page checksums into disjoint slots of the caller's array; the accumulators are XORed at the
 * end (the checksum is order-independent). The lock page is skipped and gets slot value 0.
 */
public final class DatabaseFileChecksum {
  /** Bytes read per chunk. */
  public static final int CHUNK_BYTES = 4 * 1024 * 1024;

  private static final byte[] SQLITE_MAGIC =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private DatabaseFileChecksum() {}

  /** Default parallelism: the number of available processors. */
  public static int defaultParallelism() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Checksums pages {@code 1..pageCount} of {@code ch} using {@link #defaultParallelism()} named
   * threads started for this call.
   *
   * @param pageChecksums null, or an array with at least {@code pageCount} slots: slot {@code
   *     pgno-1} receives page {@code pgno}'s checksum (0 for the lock page)
   * @return the database checksum ({@link DatabaseChecksum#EMPTY} when {@code pageCount == 0})
   * @throws LtxFormatException {@code BAD_DATABASE_IMAGE} when the file is shorter than its pages
   */
  public static long compute(FileChannel ch, int pageSize, long pageCount, long[] pageChecksums)
      throws IOException {
    int parallelism = defaultParallelism();
    return compute(
        ch, pageSize, pageCount, pageChecksums, parallelism, DatabaseFileChecksum::startThread);
  }

  /**
   * Like {@link #compute(FileChannel, int, long, long[])} with {@code parallelism - 1} workers run
   * on {@code executor} and one on the calling thread.
   */
  public static long compute(
      FileChannel ch,
      int pageSize,
      long pageCount,
      long[] pageChecksums,
      int parallelism,
      Executor executor)
      throws IOException {
    Objects.requireNonNull(ch, "ch");
    LtxHeader.checkPageSize(pageSize);
    if (pageCount < 0 || pageCount > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("page count must be in 0..2^32-1: " + pageCount);
    }
    if (pageChecksums != null && pageChecksums.length < pageCount) {
      throw new IllegalArgumentException(
          "pageChecksums has " + pageChecksums.length + " slots for " + pageCount + " pages");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1: " + parallelism);
    }
    long size = ch.size();
    if (size < pageCount * pageSize) {
      throw new LtxFormatException(
          Kind.BAD_DATABASE_IMAGE,
          "database file has "
              + size
              + " bytes but "
              + pageCount
              + " pages of "
              + pageSize
              + " need "
              + pageCount * pageSize);
    }
    Scan scan = new Scan(ch, pageSize, pageCount, pageChecksums);
    int workers = (int) Math.max(1, Math.min(parallelism, scan.chunks));
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    for (int i = 1; i < workers; i++) {
      futures.add(CompletableFuture.supplyAsync(scan::runUnchecked, executor));
    }
    long acc = 0;
    IOException failure = null;
    try {
      acc = scan.run();
    } catch (IOException e) {
      failure = e;
    }
    for (CompletableFuture<Long> f : futures) {
      try {
        acc ^= f.join();
      } catch (CompletionException e) {
        Throwable cause =
            e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
        if (failure == null) {
          failure = cause instanceof IOException io ? io : new IOException(cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return DatabaseChecksum.FLAG | acc;
  }

  /**
   * Checksums a SQLite database file, taking the page size (offset 16, 1 meaning 65536) and page
   * count (offset 28) from its header as LiteFS does.
   *
   * @throws LtxFormatException {@code BAD_DATABASE_IMAGE} for an empty, short or non-SQLite file
   */
  public static long ofSqliteFile(Path db, long[] pageChecksums) throws IOException {
    try (FileChannel ch = FileChannel.open(db, StandardOpenOption.READ)) {
      ByteBuffer h = ByteBuffer.allocate(100);
      int n = 0;
      while (h.hasRemaining() && n >= 0) {
        n = ch.read(h, h.position());
      }
      if (h.hasRemaining()) {
        throw new LtxFormatException(
            Kind.BAD_DATABASE_IMAGE, db + " is shorter than a SQLite header (100 bytes)");
      }
      for (int i = 0; i < SQLITE_MAGIC.length; i++) {
        if (h.get(i) != SQLITE_MAGIC[i]) {
          throw new LtxFormatException(Kind.BAD_DATABASE_IMAGE, db + " is not a SQLite database");
        }
      }
      int raw = Short.toUnsignedInt(h.getShort(16));
      int pageSize = raw == 1 ? 65536 : raw;
      if (!LtxHeader.isValidPageSize(pageSize)) {
        throw new LtxFormatException(
            Kind.BAD_DATABASE_IMAGE, db + " has an invalid page size " + raw);
      }
      long pageCount = Integer.toUnsignedLong(h.getInt(28));
      return compute(ch, pageSize, pageCount, pageChecksums);
    }
  }

  private static final AtomicLong THREADS = new AtomicLong();

  private static void startThread(Runnable r) {
    Thread t = new Thread(r, "ltx-checksum-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    t.start();
  }

  /** Shared state of one scan: chunks are handed out by an atomic counter. */
  private static final class Scan {
    private final FileChannel ch;
    private final int pageSize;
    private final long pageCount;
    private final long[] out;
    private final long lockPgno;
    private final int pagesPerChunk;
    private final long chunks;
    private final AtomicLong next = new AtomicLong();

    Scan(FileChannel ch, int pageSize, long pageCount, long[] out) {
      this.ch = ch;
      this.pageSize = pageSize;
      this.pageCount = pageCount;
      this.out = out;
      this.lockPgno = DatabaseChecksum.lockPgno(pageSize);
      this.pagesPerChunk = CHUNK_BYTES / pageSize;
      this.chunks = (pageCount + pagesPerChunk - 1) / pagesPerChunk;
    }

    long runUnchecked() {
      try {
        return run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    long run() throws IOException {
      ByteBuffer buf = null;
      long acc = 0;
      for (long chunk = next.getAndIncrement(); chunk < chunks; chunk = next.getAndIncrement()) {
        long first = chunk * pagesPerChunk + 1;
        int n = (int) Math.min(pagesPerChunk, pageCount - first + 1);
        if (buf == null) {
          buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK_BYTES, pageCount * pageSize));
        }
        readFully(buf, (first - 1) * pageSize, n * pageSize);
        for (int i = 0; i < n; i++) {
          long pgno = first + i;
          long chk = 0;
          if (pgno != lockPgno) {
            chk = DatabaseChecksum.page(pgno, buf, i * pageSize, pageSize);
            acc ^= chk;
          }
          if (out != null) {
            out[(int) (pgno - 1)] = chk;
          }
        }
      }
      return acc;
    }

    private void readFully(ByteBuffer buf, long position, int len) throws IOException {
      buf.clear().limit(len);
      while (buf.hasRemaining()) {
        int r = ch.read(buf, position + buf.position());
        if (r < 0) {
          throw new LtxFormatException(
              Kind.BAD_DATABASE_IMAGE,
              position + buf.position(),
              "database file ended while reading its pages");
        }
      }
    }
  }
}
