package dev.replicafs.cmd.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The catalogue of every config key ReplicaFS reads, as dotted paths ({@code lease.consul.ttl};
 * items of the {@code exec} list as {@code exec[].cmd}). Derived from the loader itself, so it
 * cannot drift from what is accepted; tests use it to check that deploy/replicafs.yml and
 * docs/CONFIG.md cover every key.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** Every leaf key, sorted. */
  public static List<String> all() {
    TreeSet<String> keys = new TreeSet<>();
    LoadContext context = new LoadContext(Map.of(), Path.of("/"), Path.of("/"), () -> "host");
    new ConfigLoader(context)
        .parse(
            Path.of("catalogue.yml"),
            "exec: [{cmd: app}]\nlease: {type: static, advertise-url: http://p:20202}\n",
            false,
            key -> keys.add(key.replaceAll("\\[\\d+]", "[]")));
    return List.copyOf(keys);
  }
}
