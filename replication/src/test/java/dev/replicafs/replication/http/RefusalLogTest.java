package dev.replicafs.replication.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RefusalLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(Endpoint.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Level level;
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  @BeforeEach
  void capture() {
    logs.start();
    logger.addAppender(logs);
    level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logs);
    logger.setLevel(level);
  }

  @Test
  void warnsOncePerAddressPerQuietPeriodAndCountsEveryRefusal() {
    RefusalLog refusals = new RefusalLog(clock);
    for (int port = 40000; port < 40010; port++) {
      refusals.refused("/stream", new InetSocketAddress("10.0.0.1", port), "missing");
    }
    refusals.refused("/export", new InetSocketAddress("10.0.0.2", 1234), "wrong");
    now = now.plus(RefusalLog.QUIET).minusSeconds(1);
    refusals.refused("/stream", new InetSocketAddress("10.0.0.1", 50000), "missing");
    assertThat(levels()).containsExactly(warnThenDebug(10, 1, 1));
    now = now.plusSeconds(1);
    refusals.refused("/stream", new InetSocketAddress("10.0.0.1", 50001), "missing");
    assertThat(logs.list.get(logs.list.size() - 1).getLevel())
        .as("warned again once the quiet period is over")
        .isEqualTo(Level.WARN);
    assertThat(refusals.count("missing")).isEqualTo(12);
    assertThat(refusals.count("wrong")).isEqualTo(1);
  }

  @Test
  void remembersABoundedNumberOfAddresses() {
    RefusalLog refusals = new RefusalLog(clock);
    for (int i = 0; i <= RefusalLog.MAX_ADDRESSES; i++) {
      String host = "10.1." + (i / 256) + "." + (i % 256);
      refusals.refused("/stream", new InetSocketAddress(host, 1), "missing");
    }
    refusals.refused("/stream", new InetSocketAddress("10.1.0.0", 1), "missing");
    assertThat(logs.list).allMatch(e -> e.getLevel() == Level.WARN);
    assertThat(logs.list).hasSize(RefusalLog.MAX_ADDRESSES + 2);
  }

  private List<Level> levels() {
    return logs.list.stream().map(ILoggingEvent::getLevel).toList();
  }

  /** WARN, DEBUG x (first - 1), WARN (second address), DEBUG x third. */
  private static Level[] warnThenDebug(int first, int second, int third) {
    List<Level> l = new java.util.ArrayList<>();
    l.add(Level.WARN);
    for (int i = 1; i < first; i++) {
      l.add(Level.DEBUG);
    }
    for (int i = 0; i < second; i++) {
      l.add(Level.WARN);
    }
    for (int i = 0; i < third; i++) {
      l.add(Level.DEBUG);
    }
    return l.toArray(Level[]::new);
  }
}
