package dev.replicafs.cmd.node;

import dev.replicafs.cmd.CliException;
import dev.replicafs.cmd.config.EtcdConfig;
import dev.replicafs.cmd.config.LeaseConfig;
import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.lease.StaticLeaser;
import dev.replicafs.lease.consul.ConsulConfig;
import dev.replicafs.lease.consul.ConsulLeaser;
import dev.replicafs.lease.etcd.EtcdLeaser;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the {@link Leaser} that {@code lease.type} names from the config's {@code lease} section.
 * The lease module validates its own settings; a refusal becomes a {@link CliException} naming the
 * key to fix.
 */
final class Leasers {
  private static final Duration MAX_ETCD_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration MIN_ETCD_TIMEOUT = Duration.ofSeconds(1);

  private Leasers() {}

  /** This node's identity as a primary: {@code lease.hostname} and {@code lease.advertise-url}. */
  static PrimaryInfo self(LeaseConfig lease) {
    String host = lease.hostname();
    if (host.isBlank()) {
      host = Optional.ofNullable(URI.create(lease.advertiseUrl()).getHost()).orElse("primary");
    }
    return new PrimaryInfo(host, lease.advertiseUrl());
  }

  /** The leaser for {@code lease}; the caller closes it. */
  static Leaser of(LeaseConfig lease, Clock clock) {
    PrimaryInfo self = self(lease);
    try {
      return switch (lease.type()) {
        // static: advertise-url is the primary's URL, the same on every node
        case STATIC -> new StaticLeaser(self, lease.candidate(), clock);
        case ETCD -> new EtcdLeaser(etcd(lease.etcd()), self, lease.candidate(), clock);
        case CONSUL -> new ConsulLeaser(consul(lease), self, lease.candidate(), clock);
      };
    } catch (IllegalArgumentException e) {
      throw new CliException(
          "invalid lease." + lease.type().configName() + " settings: " + e.getMessage(), e);
    }
  }

  /**
   * The etcd client settings. The per-request timeout is half the TTL, between 1 s and 5 s: a
   * renewal that takes longer could not keep the lease alive anyway.
   */
  static dev.replicafs.lease.etcd.EtcdConfig etcd(EtcdConfig c) {
    Duration timeout = c.ttl().dividedBy(2);
    if (timeout.compareTo(MAX_ETCD_TIMEOUT) > 0) {
      timeout = MAX_ETCD_TIMEOUT;
    }
    if (timeout.compareTo(MIN_ETCD_TIMEOUT) < 0) {
      timeout = MIN_ETCD_TIMEOUT;
    }
    return new dev.replicafs.lease.etcd.EtcdConfig(
        c.endpoints(),
        c.key(),
        c.ttl(),
        timeout,
        c.username(),
        c.password(),
        text(c.tls().caFile()),
        text(c.tls().certFile()),
        text(c.tls().keyFile()));
  }

  private static ConsulConfig consul(LeaseConfig lease) {
    return new ConsulConfig(
        lease.consul().url(),
        lease.consul().key(),
        lease.consul().ttl(),
        lease.consul().lockDelay());
  }

  private static String text(Path p) {
    return p == null ? "" : p.toString();
  }
}
