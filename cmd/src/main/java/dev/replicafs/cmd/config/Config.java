package dev.replicafs.cmd.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A whole {@code replicafs.yml} (or LiteFS {@code litefs.yml}): the same sections and keys as
 * LiteFS 0.5, plus ReplicaFS's {@code lease.etcd}, {@code replication} and {@code halt} sections
 * and a few keys in {@code data}, {@code http} and {@code proxy}. Every section validates itself;
 * this record checks what spans sections. Built by {@link ConfigLoader}; every key and its default
 * is listed in docs/CONFIG.md.
 *
 * @param exitOnError exit when startup fails (false keeps the node up for debugging)
 * @param skipSync start {@code exec} without waiting to be primary or in sync with the primary
 * @param strictVerify recompute the database checksum after every commit (testing)
 * @param exec commands run once the node is ready; the last is supervised
 */
public record Config(
    boolean exitOnError,
    boolean skipSync,
    boolean strictVerify,
    List<ExecEntry> exec,
    DataConfig data,
    FuseConfig fuse,
    HttpConfig http,
    ProxyConfig proxy,
    LeaseConfig lease,
    BackupConfig backup,
    LogConfig log,
    TracingConfig tracing,
    ReplicationConfig replication,
    HaltConfig halt) {

  public Config {
    exec = List.copyOf(exec);
    Checks.present(data, "data");
    Checks.present(fuse, "fuse");
    Checks.present(http, "http");
    Checks.present(proxy, "proxy");
    Checks.present(lease, "lease");
    Checks.present(backup, "backup");
    Checks.present(log, "log");
    Checks.present(tracing, "tracing");
    Checks.present(replication, "replication");
    Checks.present(halt, "halt");
    Path mount = fuse.dir().toAbsolutePath().normalize();
    Path storage = data.dir().toAbsolutePath().normalize();
    if (mount.equals(storage)) {
      throw new ConfigException(
          "fuse.dir",
          "fuse.dir and data.dir must differ (both are "
              + mount
              + "): the mount shows the databases kept in data.dir, e.g. fuse.dir: /litefs and"
              + " data.dir: /var/lib/litefs");
    }
    if (storage.startsWith(mount)) {
      throw new ConfigException(
          "data.dir", "data.dir must not be inside fuse.dir: keep it outside the mount");
    }
    if (mount.startsWith(storage)) {
      throw new ConfigException(
          "fuse.dir", "fuse.dir must not be inside data.dir: mount it elsewhere, e.g. /litefs");
    }
  }

  /** This config with {@code exec} replaced (the {@code -- CMD ARGS} of {@code mount}). */
  public Config withExec(List<ExecEntry> entries) {
    return new Config(
        exitOnError,
        skipSync,
        strictVerify,
        entries,
        data,
        fuse,
        http,
        proxy,
        lease,
        backup,
        log,
        tracing,
        replication,
        halt);
  }

  /** This config with {@code log.debug} set (the {@code -debug} flag). */
  public Config withLogDebug() {
    return new Config(
        exitOnError,
        skipSync,
        strictVerify,
        exec,
        data,
        fuse,
        http,
        proxy,
        lease,
        backup,
        log.withDebug(true),
        tracing,
        replication,
        halt);
  }

  /** This config with {@code fuse.debug} set (the {@code -fuse.debug} flag). */
  public Config withFuseDebug() {
    return new Config(
        exitOnError,
        skipSync,
        strictVerify,
        exec,
        data,
        fuse.withDebug(true),
        http,
        proxy,
        lease,
        backup,
        log,
        tracing,
        replication,
        halt);
  }
}
