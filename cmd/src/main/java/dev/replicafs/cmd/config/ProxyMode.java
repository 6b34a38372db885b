package dev.replicafs.cmd.config;

/** How a replica's proxy sends writes to the primary ({@code proxy.mode}). */
public enum ProxyMode implements ConfigChoice {
  /** A true reverse proxy to the primary's proxy (works anywhere; the default). */
  FORWARD("forward"),
  /** Answer with a {@code fly-replay} header as LiteFS does (Fly.io only). */
  FLY_REPLAY("fly-replay");

  private final String configName;

  ProxyMode(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }
}
