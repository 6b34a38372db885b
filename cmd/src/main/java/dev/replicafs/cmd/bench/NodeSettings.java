package dev.replicafs.cmd.bench;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the benchmark starts each node process.
 *
 * @param jvmArgs extra JVM arguments ({@code {id}} becomes the node id)
 * @param ltxInterval the store's naming interval, as {@code data.ltx-interval} sets it for a node
 */
record NodeSettings(List<String> jvmArgs, Duration ltxInterval) {
  NodeSettings {
    jvmArgs = List.copyOf(jvmArgs);
    Objects.requireNonNull(ltxInterval, "ltxInterval");
  }
}
