package dev.replicafs.cmd.node;

import dev.replicafs.cmd.config.ProxyConfig;
import dev.replicafs.proxy.ProxyMode;

/** Translates the {@code proxy} section of the config into the proxy module's settings. */
final class ProxySettings {
  private ProxySettings() {}

  static dev.replicafs.proxy.ProxyConfig of(ProxyConfig c) {
    return dev.replicafs.proxy.ProxyConfig.builder(c.addr(), c.target(), c.db())
        .maxLag(c.maxLag())
        .debug(c.debug())
        .passthrough(c.passthrough())
        .alwaysForward(c.alwaysForward())
        .primaryRedirectTimeout(c.primaryRedirectTimeout())
        .readTimeout(c.readTimeout())
        .readHeaderTimeout(c.readHeaderTimeout())
        .writeTimeout(c.writeTimeout())
        .idleTimeout(c.idleTimeout())
        .mode(ProxyMode.fromConfig(c.mode().configName()))
        .txidWaitTimeout(c.txidWaitTimeout())
        .build();
  }

  /** The port of {@code proxy.addr} ({@code host:port} or {@code :port}). */
  static int port(ProxyConfig c) {
    return Integer.parseInt(c.addr().substring(c.addr().lastIndexOf(':') + 1));
  }
}
