package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.replica.ReplicaClient;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.stream.StreamFrame;
import dev.replicafs.replication.stream.StreamWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cut, stalled and hostile streams: detected, refused with a clear error, nothing applied. */
class StreamFailureTest {
  private static final byte[] PREAMBLE = {'R', 'F', 'S', 'S', 0, 1, 0, 0};

  @TempDir Path tmp;

  @Test
  void streamCutMidFrameIsDetectedAndResumed() throws Exception {
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r = TestNode.open(tmp.resolve("r"), 2);
        CutProxy proxy = new CutProxy(p.node.server().port())) {
      p.node.becomePrimary();
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 11, true)) {
        for (int i = 0; i < 60; i++) {
          w.tx("INSERT INTO t(v) VALUES(randomblob(20000))");
        }
        proxy.cutAfter(300_000); // inside the snapshot's chunked body
        r.node.becomeReplica(new PrimaryInfo("p", proxy.url()));
        ReplicaClient client = r.node.replica().orElseThrow();
        Await.until("first stream cut", () -> proxy.cuts() >= 1);
        ReplicationTest.awaitConverged(p, "app.db", r);
        assertThat(client.lastError())
            .get()
            .asString()
            .contains("lost the stream from the primary");

        proxy.cutAll();
        for (int i = 0; i < 20; i++) {
          w.randomTx();
        }
        ReplicationTest.awaitConverged(p, "app.db", r);
        LtxChain.verify(r.db("app.db"));
      }
    }
  }

  @Test
  void stalledStreamIsDroppedByTheIdleWatchdogAndRetried() throws Exception {
    try (FakePrimary fake = new FakePrimary(PREAMBLE, "", true);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      r.node.becomeReplica(new PrimaryInfo("fake", fake.url()));
      Await.until("a reconnect after the stall", () -> fake.connections() >= 2);
    }
  }

  @Test
  void randomBytesAreRefused() throws Exception {
    byte[] junk = new byte[4096];
    new Random(1).nextBytes(junk);
    refused(junk, "not a ReplicaFS stream");
  }

  @Test
  void aFutureStreamVersionIsRefused() throws Exception {
    refused(new byte[] {'R', 'F', 'S', 'S', 0, 2, 0, 0}, "stream version 2 is not supported");
  }

  @Test
  void aHugeLengthFieldIsRefusedWithoutAllocating() throws Exception {
    refused(concat(PREAMBLE, frame(5, new byte[0], 0xFFFFFFF0L)), "exceeds");
  }

  @Test
  void anUnknownFrameTypeIsRefused() throws Exception {
    refused(concat(PREAMBLE, frame(42, new byte[8], -1)), "unknown stream frame type 42");
  }

  @Test
  void aStreamEndingMidFrameIsRefused() throws Exception {
    byte[] f = frame(5, new byte[8], -1);
    refused(concat(PREAMBLE, java.util.Arrays.copyOf(f, 6)), "stream ended inside");
  }

  @Test
  void aTraversalNameInAnLtxFrameIsRefused() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(bytes);
    w.writePreamble();
    try (OutputStream body = w.writeLtx("../evil", 0)) {
      body.write(new byte[200]);
    }
    w.flush();
    refused(bytes.toByteArray(), "evil");
    assertThat(Files.exists(tmp.resolve("evil"))).isFalse();
  }

  @Test
  void anLtxFileThatDoesNotContinueThePositionIsRefused() throws Exception {
    byte[] incremental;
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1)) {
      p.node.becomePrimary();
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 12, true)) {
        w.randomTx();
        w.randomTx();
      }
      LtxFileName second = db.ltxFiles().get(1);
      assertThat(second.minTxid()).isEqualTo(2);
      incremental = Files.readAllBytes(db.ltxPath(second));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(bytes);
    w.writePreamble();
    try (OutputStream body = w.writeLtx("app.db", incremental.length)) {
      body.write(incremental);
    }
    w.write(new StreamFrame.Ready());
    w.flush();
    refused(bytes.toByteArray(), "position mismatch");
  }

  @Test
  void aDamagedLtxBodyIsRefusedAndCreatesNothing() throws Exception {
    byte[] snapshot;
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1)) {
      p.node.becomePrimary();
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 13, true)) {
        w.randomTx();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      db.writeSnapshot(out);
      snapshot = out.toByteArray();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(bytes);
    w.writePreamble();
    try (OutputStream body = w.writeLtx("app.db", 0)) {
      body.write(snapshot);
    }
    byte[] stream = bytes.toByteArray();
    stream[PREAMBLE.length + 30 + 500] ^= 0x5a; // a byte inside the first chunk
    refused(stream, "checksum");
  }

  @Test
  void aPrimaryOfAnotherClusterIsRefused() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(bytes);
    w.writePreamble();
    w.write(new StreamFrame.Ready());
    w.flush();
    try (FakePrimary fake =
            new FakePrimary(
                bytes.toByteArray(), "ReplicaFS-Cluster-Id: LFSC00000000000000AA\r\n", false);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      r.store.setClusterId("LFSC00000000000000BB");
      r.node.becomeReplica(new PrimaryInfo("fake", fake.url()));
      ReplicaClient client = r.node.replica().orElseThrow();
      Await.until("refusal", () -> client.lastError().isPresent());
      assertThat(client.lastError().get())
          .contains("cluster ID mismatch")
          .contains("LFSC00000000000000AA")
          .contains("LFSC00000000000000BB");
      assertThat(client.isReady()).isFalse();
    }
  }

  @Test
  void aRealPrimaryRefusesAReplicaOfAnotherClusterAndNothingIsApplied() throws Exception {
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      p.node.becomePrimary();
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 14, true)) {
        w.randomTx();
      }
      r.store.setClusterId("LFSC0123456789ABCDEF");
      r.node.becomeReplica(p.info());
      ReplicaClient client = r.node.replica().orElseThrow();
      Await.until("refusal", () -> client.lastError().isPresent());
      assertThat(client.lastError().get()).contains("409").contains("cluster ID mismatch");
      assertThat(r.store.dbs()).isEmpty();
    }
  }

  /** The replica refuses the stream with {@code message}, reconnects, and applies nothing. */
  private void refused(byte[] body, String message) throws Exception {
    try (FakePrimary fake = new FakePrimary(body, "", false);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      r.node.becomeReplica(new PrimaryInfo("fake", fake.url()));
      ReplicaClient client = r.node.replica().orElseThrow();
      Await.until("two refused connections", () -> fake.connections() >= 2);
      assertThat(client.lastError()).get().asString().contains(message);
      assertThat(client.isReady()).isFalse();
      assertThat(r.store.dbs()).isEmpty();
      try (var files = Files.list(tmp.resolve("r").resolve("dbs"))) {
        assertThat(files).isEmpty();
      }
    }
  }

  /** A frame with a valid CRC; {@code length} overrides the length field when >= 0. */
  private static byte[] frame(int type, byte[] payload, long length) {
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length + 4);
    b.put((byte) type).put((byte) 0).putShort((short) 0);
    b.putInt((int) (length >= 0 ? length : payload.length));
    b.put(payload);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 8 + payload.length);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static byte[] concat(byte[] a, byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(a);
    out.write(b);
    return out.toByteArray();
  }
}
