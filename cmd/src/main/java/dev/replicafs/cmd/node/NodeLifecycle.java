package dev.replicafs.cmd.node;

import dev.replicafs.cmd.ExitCodes;
import dev.replicafs.cmd.Requests;
import dev.replicafs.cmd.config.Config;
import dev.replicafs.cmd.config.ExecEntry;
import dev.replicafs.cmd.exec.ExecSupervisor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code replicafs mount}: starts a node with {@link NodeStartup}, waits until it is ready, runs
 * the {@code exec} entries (the last supervised), and shuts down in reverse order when the child
 * exits or SIGINT/SIGTERM arrives. Returns the child's exit code; 0 after a signal without a child;
 * 99 after a fatal store error.
 */
public final class NodeLifecycle {
  private static final Logger log = LoggerFactory.getLogger(NodeLifecycle.class);

  private final Config config;
  private final Clock clock;

  public NodeLifecycle(Requests.Mount request, Clock clock) {
    this.config = request.config();
    this.clock = clock;
  }

  /** Runs the node until it stops; returns the exit code. */
  public int run() throws Exception {
    long started = System.nanoTime();
    try (StopSignal stop = new StopSignal();
        Resources parts = new Resources()) {
      NodeStartup startup = new NodeStartup(config, clock, parts, stop);
      try {
        startup.openAndMount();
        log.info("mounted dir={} startup_ms={}", config.fuse().dir(), ms(started));
        if (!config.skipSync() && !startup.roles().awaitReady(stop)) {
          return ExitCodes.OK;
        }
        log.info("node ready primary={} startup_ms={}", startup.roles().isPrimary(), ms(started));
        startup.startProxy();
      } catch (Exception e) {
        if (config.exitOnError()) {
          throw e;
        }
        System.err.println("ERROR: " + e.getMessage());
        System.err.println(
            "exit-on-error is false: the node stays up without the proxy until SIGINT/SIGTERM");
        log.error("startup failed, staying up error=\"{}\"", e.getMessage(), e);
        stop.await();
        return ExitCodes.RUNTIME_ERROR;
      }
      int code = supervise(startup.roles().candidate(), stop);
      return stop.isFatal() ? ExitCodes.FATAL : code;
    }
  }

  private int supervise(boolean candidate, StopSignal stop) throws Exception {
    List<ExecEntry> runnable =
        config.exec().stream().filter(e -> candidate || !e.ifCandidate()).toList();
    if (runnable.isEmpty()) {
      log.info("no exec command, running until sigint/sigterm");
      stop.await();
      return ExitCodes.OK;
    }
    try (ExecSupervisor exec = new ExecSupervisor(config.exec(), candidate)) {
      stop.onStop(exec::close);
      return exec.run();
    }
  }

  private static long ms(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
