package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxFileName;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old LTX files of one database (labels {@code RETAIN:*}): every file whose modification
 * time is older than {@code data.retention}, then, oldest first, files while the total exceeds
 * {@code data.retention-max-bytes} (LiteFS has no size cap, so a bulk load could fill its disk).
 * The newest file, which records the position, is always kept. A replica that needs a deleted file
 * gets a snapshot instead.
 */
final class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private Retention() {}

  static int enforce(Db db, Instant now, Duration retention, long maxBytes) throws IOException {
    db.mu.lock();
    try {
      Optional<LtxFileName> newest = db.ltx.last();
      if (newest.isEmpty()) {
        return 0;
      }
      List<LtxFileName> files = new ArrayList<>(db.ltx.list());
      files.sort((a, b) -> Long.compareUnsigned(a.maxTxid(), b.maxTxid()));
      Instant cutoff = now.minus(retention);
      List<LtxFileName> kept = new ArrayList<>();
      List<Long> sizes = new ArrayList<>();
      int deleted = 0;
      for (LtxFileName f : files) {
        var attrs = attributes(db, f);
        if (attrs == null) {
          continue;
        }
        if (!f.equals(newest.get()) && attrs.lastModifiedTime().toInstant().isBefore(cutoff)) {
          db.ops.deleteIfExists("RETAIN:DELETE", db.ltx.path(f));
          deleted++;
        } else {
          kept.add(f);
          sizes.add(attrs.size());
        }
      }
      long total = sizes.stream().mapToLong(Long::longValue).sum();
      for (int i = 0; maxBytes > 0 && total > maxBytes && i < kept.size(); i++) {
        if (!kept.get(i).equals(newest.get())) {
          db.ops.deleteIfExists("RETAIN:DELETE", db.ltx.path(kept.get(i)));
          total -= sizes.get(i);
          deleted++;
        }
      }
      if (deleted > 0) {
        log.debug("deleted ltx files past retention: db={} count={}", db.name, deleted);
      }
      return deleted;
    } finally {
      db.mu.unlock();
    }
  }

  private static java.nio.file.attribute.BasicFileAttributes attributes(Db db, LtxFileName f)
      throws IOException {
    try {
      return db.ops.attributes("RETAIN:STAT", db.ltx.path(f));
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
