package dev.replicafs.cmd.config;

/** The backup service ({@code backup.type}), accepted for LiteFS compatibility. */
public enum BackupType implements ConfigChoice {
  /** No backup. */
  NONE(""),
  /** Copies to a directory ({@code backup.path}). */
  FILE("file"),
  /** LiteFS Cloud. */
  LITEFS_CLOUD("litefs-cloud");

  private final String configName;

  BackupType(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }
}
