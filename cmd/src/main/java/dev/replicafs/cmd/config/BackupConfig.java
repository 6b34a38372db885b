package dev.replicafs.cmd.config;

/**
 * The {@code backup} section, accepted so LiteFS configs load unchanged. ReplicaFS does not ship a
 * backup client; {@code replicafs mount} says so when one is configured.
 *
 * @param type the backup service
 * @param path {@code file} only: the backup directory
 * @param url {@code litefs-cloud} only: the service URL
 * @param cluster {@code litefs-cloud} only: the cluster name
 * @param authToken {@code litefs-cloud} only: the token; never printed
 */
public record BackupConfig(
    BackupType type, String path, String url, String cluster, String authToken) {
  public static final String DEFAULT_CLOUD_URL = "https://litefs.fly.io";

  public BackupConfig {
    Checks.present(type, "backup.type");
    path = Checks.text(path);
    url = Checks.httpUrl(url, "backup.url");
    cluster = Checks.text(cluster);
    authToken = Checks.text(authToken);
    if (type == BackupType.FILE && path.isEmpty()) {
      throw new ConfigException(
          "backup.path", "backup.path is required for backup.type file: the backup directory");
    }
  }

  /** No backup. */
  public static BackupConfig defaults() {
    return new BackupConfig(BackupType.NONE, "", "", "", "");
  }

  @Override
  public String toString() {
    return "BackupConfig[type="
        + type
        + ", path="
        + path
        + ", url="
        + url
        + ", cluster="
        + cluster
        + ", authToken="
        + (authToken.isEmpty() ? "none" : "(redacted)")
        + "]";
  }
}
