package dev.replicafs.cmd.config;

/**
 * How many replicas must hold a transaction before the primary's commit returns ({@code
 * replication.sync}).
 */
public enum SyncMode implements ConfigChoice {
  /** Asynchronous replication, as LiteFS. */
  NONE("none"),
  /** At least one replica stored the LTX file durably. */
  ONE("one"),
  /** A majority of the known replicas stored it durably. */
  QUORUM("quorum");

  private final String configName;

  SyncMode(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }
}
