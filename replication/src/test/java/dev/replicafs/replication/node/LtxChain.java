package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.LtxTrailer;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.Db;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;

/** Checks that a database's LTX files verify and form one chain ending at its position. */
final class LtxChain {
  private LtxChain() {}

  private static boolean lastNamedIs(Db db) throws IOException {
    List<LtxFileName> names = db.ltxFiles();
    return !names.isEmpty() && names.get(names.size() - 1).maxTxid() == db.pos().txid();
  }

  /** Returns the headers, oldest first. */
  static List<LtxHeader> verify(Db db) throws IOException {
    // A replica publishes a group's position before it renames the group's pending files to their
    // final names (that rename waits for the database fsync, ARCHITECTURE.md "Apply"): give it that
    // moment.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && !lastNamedIs(db)) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    List<LtxFileName> names = db.ltxFiles();
    assertThat(names).as("ltx files of " + db.name()).isNotEmpty();
    Pos prev = null;
    List<LtxHeader> headers = new java.util.ArrayList<>();
    for (LtxFileName n : names) {
      LtxHeader h;
      LtxTrailer t;
      try (InputStream in = Files.newInputStream(db.ltxPath(n))) {
        LtxDecoder dec = LtxDecoder.open(in);
        t = dec.verify();
        h = dec.header();
      }
      if (prev != null && !h.isSnapshot()) {
        assertThat(h.minTxid()).as("continuity of " + n).isEqualTo(prev.txid() + 1);
        assertThat(h.preApplyChecksum())
            .as("pre-apply checksum of " + n)
            .isEqualTo(prev.postApplyChecksum());
      }
      prev = t.postApplyPos(h);
      headers.add(h);
    }
    assertThat(prev).as("chain end of " + db.name()).isEqualTo(db.pos());
    return headers;
  }
}
