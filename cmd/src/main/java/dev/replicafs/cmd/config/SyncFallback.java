package dev.replicafs.cmd.config;

/**
 * What a synchronous commit does when not enough replicas acknowledge in time ({@code
 * replication.sync-fallback}).
 */
public enum SyncFallback implements ConfigChoice {
  /** The commit fails with an I/O error and is rolled back. */
  FAIL("fail"),
  /** The commit succeeds and replication degrades to asynchronous until replicas return. */
  ASYNC("async");

  private final String configName;

  SyncFallback(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }
}
