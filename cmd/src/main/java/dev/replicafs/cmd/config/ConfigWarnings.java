package dev.replicafs.cmd.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings that are valid but probably not what the user wants; {@code replicafs mount} prints each
 * before starting.
 */
public final class ConfigWarnings {
  private ConfigWarnings() {}

  /** The warnings for {@code config}, one line each, empty when there is nothing to say. */
  public static List<String> of(Config config) {
    List<String> out = new ArrayList<>();
    HttpConfig http = config.http();
    if (http.clusterToken().isEmpty() && !isLoopback(http.host())) {
      out.add(
          "http.addr "
              + http.addr()
              + " is reachable from other machines and http.token is not set: anyone who can"
              + " reach it can read and replace databases; set http.token-file or http.token-env"
              + " (the same on every node), or bind to 127.0.0.1");
    }
    String advertise = config.lease().advertiseUrl();
    if (http.tls().enabled() && advertise != null && advertise.startsWith("http://")) {
      out.add(
          "lease.advertise-url "
              + advertise
              + " is plain HTTP but the node API serves HTTPS (http.tls): use https://");
    }
    if (config.backup().type() != BackupType.NONE) {
      out.add(
          "backup.type "
              + config.backup().type().configName()
              + " is accepted for LiteFS compatibility but ReplicaFS has no backup client:"
              + " nothing is backed up");
    }
    if (config.lease().promote() && !config.lease().candidate()) {
      out.add("lease.promote has no effect on a node with lease.candidate: false");
    }
    return out;
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }
}
