package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aborting a mount's FUSE connection (what a restarted node does to a stale mount whose old process
 * is stuck in the kernel after SIGKILL): every access fails at once instead of waiting, and the
 * stale mount is then removed.
 */
class FuseConnectionTest {
  @TempDir Path tmp;

  @BeforeEach
  void prerequisites() {
    FuseSupport.requireFuse();
  }

  @Test
  void abortFailsEveryAccessAtOnceAndTheStaleMountIsRemoved() throws Exception {
    try (NodeProcess node = NodeProcess.start(tmp, true)) {
      assertThat(Files.exists(node.mountPoint.resolve(".lag"))).isTrue();
      assertThat(FuseConnection.abort(node.mountPoint)).isTrue();
      assertThatThrownBy(() -> Files.readString(node.mountPoint.resolve(".lag")))
          .isInstanceOf(IOException.class);
      assertThat(MountTable.removeStale(node.mountPoint)).isTrue();
      assertThat(MountTable.find(node.mountPoint)).isEmpty();
    }
  }

  @Test
  void nothingToAbortWhereNothingIsMounted() throws Exception {
    assertThat(FuseConnection.abort(tmp)).isFalse();
  }
}
