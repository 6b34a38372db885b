package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxFileName;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retires old LTX files of one database (labels {@code RETAIN:*}; a retired file is kept as a free
 * file whose inode a new file reuses, up to {@link LtxFiles#MAX_FREE}, else deleted): every file
 * whose modification time is older than {@code data.retention}, then, oldest first, files while the
 * total exceeds {@code data.retention-max-bytes} (LiteFS has no size cap, so a bulk load could fill
 * its disk). The newest file, which records the position, is always kept. A replica that needs a
 * deleted file gets a snapshot instead.
 */
final class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private Retention() {}

  static int enforce(Db db, Instant now, Duration retention, long maxBytes) throws IOException {
    // Listed and stat-ed without the database lock: with thousands of files this takes long enough
    // to stall commits (measured: p99 spikes once per monitor interval). Files committed meanwhile
    // are newer than every listed one and are not considered; the newest listed file is kept, so
    // the file recording the position is never deleted. Deleting is idempotent, so a snapshot or
    // a replica apply removing files at the same time does no harm.
    db.ltx.trimFree("RETAIN");
    List<LtxFileName> files = new ArrayList<>(db.ltx.list());
    if (files.isEmpty()) {
      return 0;
    }
    files.sort((a, b) -> Long.compareUnsigned(a.maxTxid(), b.maxTxid()));
    LtxFileName newest = files.get(files.size() - 1);
    Instant cutoff = now.minus(retention);
    List<LtxFileName> kept = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    int deleted = 0;
    for (LtxFileName f : files) {
      var attrs = attributes(db, f);
      if (attrs == null) {
        continue;
      }
      if (!f.equals(newest) && attrs.lastModifiedTime().toInstant().isBefore(cutoff)) {
        db.ltx.retire("RETAIN", f, attrs.size());
        deleted++;
      } else {
        kept.add(f);
        sizes.add(attrs.size());
      }
    }
    long total = sizes.stream().mapToLong(Long::longValue).sum();
    for (int i = 0; maxBytes > 0 && total > maxBytes && i < kept.size(); i++) {
      if (!kept.get(i).equals(newest)) {
        db.ltx.retire("RETAIN", kept.get(i), sizes.get(i));
        total -= sizes.get(i);
        deleted++;
      }
    }
    if (deleted > 0) {
      log.debug("deleted ltx files past retention: db={} count={}", db.name, deleted);
    }
    return deleted;
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
