package dev.replicafs.replication.http;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs requests refused for a missing or wrong cluster token without letting a scanner flood the
 * log: the first refusal from a remote address is logged at WARN, further ones from that address
 * within {@link #QUIET} at DEBUG; every refusal counts in {@code
 * replicafs_http_unauthorized_total{reason}}. Addresses are remembered by host (not port, which a
 * client changes per connection) in an LRU map of at most {@link #MAX_ADDRESSES} entries, so a scan
 * from many addresses costs bounded memory (an evicted address is simply warned about again).
 * Thread-safe; time comes from the injected clock.
 */
final class RefusalLog {
  private static final Logger log = LoggerFactory.getLogger(Endpoint.class);

  /** How long after a WARN further refusals from the same address stay at DEBUG. */
  static final Duration QUIET = Duration.ofMinutes(5);

  /** The most addresses remembered. */
  static final int MAX_ADDRESSES = 1024;

  private final Clock clock;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<String, Long> warned =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  RefusalLog(Clock clock) {
    this.clock = clock;
  }

  /** Adds {@code replicafs_http_unauthorized_total{reason}} to {@code registry}. */
  RefusalLog register(PrometheusRegistry registry) {
    CounterWithCallback.builder()
        .name("replicafs_http_unauthorized")
        .help("Node API requests refused for a missing or wrong cluster token")
        .labelNames("reason")
        .callback(cb -> counts.forEach((reason, n) -> cb.call(n.sum(), reason)))
        .register(registry);
    return this;
  }

  /** Refusals so far for {@code reason} ({@code missing} or {@code wrong}). */
  long count(String reason) {
    LongAdder n = counts.get(reason);
    return n == null ? 0 : n.sum();
  }

  /**
   * Records one refusal.
   *
   * @param reason {@code missing} or {@code wrong}
   */
  void refused(String path, InetSocketAddress peer, String reason) {
    counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
    String host = host(peer);
    if (shouldWarn(host)) {
      log.warn(
          "refused unauthenticated request: path={} peer={} reason={} cluster token (further"
              + " refusals from this address for {} are logged at debug; counted in"
              + " replicafs_http_unauthorized_total)",
          path,
          peer,
          reason,
          QUIET);
    } else {
      log.debug(
          "refused unauthenticated request: path={} peer={} reason={} cluster token",
          path,
          peer,
          reason);
    }
  }

  private synchronized boolean shouldWarn(String host) {
    long now = clock.millis();
    Long last = warned.get(host);
    if (last != null && now - last < QUIET.toMillis()) {
      return false;
    }
    warned.put(host, now);
    return true;
  }

  private static String host(InetSocketAddress peer) {
    if (peer == null) {
      return "?";
    }
    InetAddress a = peer.getAddress();
    return a == null ? peer.getHostString() : a.getHostAddress();
  }
}
