package dev.replicafs.cmd.config;

/** Log output format on stderr ({@code log.format}). */
public enum LogFormat implements ConfigChoice {
  /** Human-readable lines. */
  TEXT("text"),
  /** One JSON object per line. */
  JSON("json");

  private final String configName;

  LogFormat(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }
}
