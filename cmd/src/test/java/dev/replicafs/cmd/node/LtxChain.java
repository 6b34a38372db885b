package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.LtxTrailer;
import dev.replicafs.replication.ltx.Pos;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Verifies the LTX files of one database in a node's data dir: each decodes (file checksum,
 * trailer, snapshot checksum), names match headers, TXIDs are contiguous and each file's pre-apply
 * checksum is the previous file's post-apply checksum; the last file's end is the node's position.
 * The chain may start later than TXID 1 only with a snapshot (a replica that caught up that way).
 */
final class LtxChain {
  private LtxChain() {}

  private static List<Path> names(Path dbDir) throws Exception {
    try (Stream<Path> s = Files.list(dbDir.resolve("ltx"))) {
      return s.filter(p -> LtxFileName.parse(p.getFileName().toString()).isPresent()).toList();
    }
  }

  private static boolean endsAt(List<Path> files, Pos pos) {
    return files.stream()
        .map(p -> LtxFileName.parse(p.getFileName().toString()).orElseThrow())
        .anyMatch(n -> n.maxTxid() == pos.txid());
  }

  /** One decoded file. */
  record Link(LtxHeader header, LtxTrailer trailer) {}

  /** Verifies the chain in {@code dbDir/ltx} and that it ends at {@code pos}; returns it. */
  static List<Link> verify(Path dbDir, Pos pos) throws Exception {
    // A running replica publishes a group's position before it renames the group's pending files
    // to their final names (after the database fsync, docs/ARCHITECTURE.md "Apply"): give it that
    // moment.
    List<Path> files = names(dbDir);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && !endsAt(files, pos)) {
      Thread.sleep(5);
      files = names(dbDir);
    }
    List<Link> chain = new ArrayList<>();
    for (Path f : files.stream().sorted().toList()) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(f))) {
        LtxDecoder d = LtxDecoder.open(in);
        LtxTrailer t = d.verify();
        Optional<LtxFileName> name = LtxFileName.parse(f.getFileName().toString());
        assertThat(name).as(f.toString()).contains(LtxFileName.of(d.header()));
        chain.add(new Link(d.header(), t));
      }
    }
    assertThat(chain).as("ltx files in " + dbDir).isNotEmpty();
    Link first = chain.get(0);
    assertThat(first.header().minTxid() == 1 || first.header().preApplyChecksum() == 0)
        .as(dbDir + ": chain starts at txid 1 or with a snapshot: " + first)
        .isTrue();
    for (int i = 1; i < chain.size(); i++) {
      Link prev = chain.get(i - 1);
      Link next = chain.get(i);
      assertThat(next.header().minTxid())
          .as(dbDir + ": txid continuity after " + prev.header())
          .isEqualTo(prev.header().maxTxid() + 1);
      assertThat(next.header().preApplyChecksum())
          .as(dbDir + ": pre-apply checksum of " + next.header())
          .isEqualTo(prev.trailer().postApplyChecksum());
    }
    Link last = chain.get(chain.size() - 1);
    assertThat(new Pos(last.header().maxTxid(), last.trailer().postApplyChecksum()))
        .as(dbDir + ": last ltx file is the position")
        .isEqualTo(pos);
    return chain;
  }
}
