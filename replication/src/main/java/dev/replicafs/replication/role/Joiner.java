package dev.replicafs.replication.role;

import dev.replicafs.lease.ClusterIdMismatchException;
import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.LeaseExpiredException;
import dev.replicafs.lease.LeaseUnavailableException;
import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.NoPrimaryException;
import dev.replicafs.lease.NotCandidateException;
import dev.replicafs.lease.PrimaryExistsException;
import dev.replicafs.lease.PrimaryInfo;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the JOINING state (LiteFS {@code monitorLease} steps 1–3): check the cluster ID (not
 * again before a takeover when this process already confirmed it), take over a handed-off lease,
 * else read the primary and acquire when eligible and the {@link ElectionStep} allows (synchronous
 * replication; skipped once after {@code POST /promote}). Never blocks longer than one bounded
 * lease call or election step per step; waiting is the caller's. Logs each kind of failure once per
 * episode (until a pass succeeds), not once per retry.
 */
final class Joiner {
  private static final Logger LOG = LoggerFactory.getLogger(Joiner.class);

  /** The result of one pass. */
  sealed interface Outcome {
    /**
     * This node holds {@code lease}; {@code tookOver}: a handed-off lease, whose key this node has
     * just written with its own info.
     */
    record Acquired(Lease lease, boolean tookOver) implements Outcome {
      Acquired(Lease lease) {
        this(lease, false);
      }
    }

    /** {@code primary} holds the lease. */
    record Follow(PrimaryInfo primary) implements Outcome {}

    /** Nothing to do yet; {@code seen} is what the key held (for the watch). */
    record Wait(String reason, Optional<PrimaryInfo> seen) implements Outcome {}

    /** Wrong cluster. */
    record Refused(String message) implements Outcome {}
  }

  private final Leaser leaser;
  private final ClusterIdentity identity;
  private final PrimaryInfo self;
  private String loggedEpisode;
  private Optional<String> handoffToken = Optional.empty();
  private final ElectionStep election;
  private boolean skipElection;

  Joiner(Leaser leaser, ClusterIdentity identity, PrimaryInfo self, ElectionStep election) {
    this.leaser = leaser;
    this.identity = identity;
    this.self = self;
    this.election = election;
  }

  /**
   * {@code POST /promote} while no primary is known: the next acquire skips the election step (the
   * operator's override, docs/SYNC.md); logged when it happens.
   */
  void promoteRequested() {
    skipElection = true;
  }

  /**
   * A lease ID handed to this node: the next passes take it over first, until that succeeds or the
   * lease is known gone (an unreachable coordinator keeps it for the next pass).
   */
  void handedOff(String token) {
    handoffToken = Optional.of(token);
  }

  /**
   * @param eligible whether this node may acquire now (candidate and not within demote-delay)
   */
  Outcome attempt(boolean eligible) {
    try {
      boolean takeover = handoffToken.isPresent();
      if (!takeover || !identity.confirmedForTakeover()) {
        identity.beforeJoin(); // after a handoff, confirmed already: docs/LEASES.md §5
      }
      if (takeover) {
        String token = handoffToken.get();
        try {
          Outcome acquired = new Outcome.Acquired(leaser.acquireExisting(token), true);
          handoffToken = Optional.empty();
          return succeeded(acquired);
        } catch (LeaseExpiredException | PrimaryExistsException | NotCandidateException e) {
          handoffToken = Optional.empty();
          LOG.warn("handed-off lease cannot be taken over: error={}", e.getMessage());
        }
      }
      PrimaryInfo primary;
      try {
        primary = leaser.primaryInfo();
      } catch (NoPrimaryException e) {
        if (!eligible) {
          return waiting(
              "cannot find primary & ineligible to become primary, retrying",
              "no primary",
              Optional.empty());
        }
        Optional<String> refused = electionRefusal();
        if (refused.isPresent()) {
          String reason = "election step refused: " + refused.get();
          return waiting(reason + ", retrying", reason, Optional.empty());
        }
        try {
          return succeeded(new Outcome.Acquired(leaser.acquire()));
        } catch (PrimaryExistsException lost) {
          primary = lost.primary().isPresent() ? lost.primary().get() : leaser.primaryInfo();
        }
      }
      if (leaser.candidate() && primary.equals(self)) {
        return waiting(
            "lease key still names this node, waiting for it to change or expire",
            "key names this node",
            Optional.of(primary));
      }
      skipElection = false; // a promotion now goes through the primary (handoff)
      return succeeded(new Outcome.Follow(primary));
    } catch (ClusterIdMismatchException e) {
      logOnce("refused", e.getMessage(), true);
      return new Outcome.Refused(e.getMessage());
    } catch (NoPrimaryException e) {
      return new Outcome.Wait("no primary", Optional.empty());
    } catch (LeaseUnavailableException e) {
      return waiting(
          "lease backend unavailable, retrying: error=" + e.getMessage(),
          "lease backend unavailable",
          Optional.empty());
    } catch (LeaseException e) {
      return waiting(
          "lease call failed, retrying: error=" + e.getMessage(),
          "lease call failed",
          Optional.empty());
    } catch (IOException e) {
      return waiting(
          "cannot read or write the cluster id file, retrying: error=" + e,
          "cluster id file unreadable",
          Optional.empty());
    }
  }

  /** The election step's refusal, unless a promotion overrides it (logged, once). */
  private Optional<String> electionRefusal() {
    if (skipElection) {
      skipElection = false;
      LOG.warn("promote requested: acquiring without asking the election step (docs/SYNC.md)");
      return Optional.empty();
    }
    try {
      return election.refusal();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  private Outcome waiting(String message, String reason, Optional<PrimaryInfo> seen) {
    logOnce(reason, message, false);
    return new Outcome.Wait(reason, seen);
  }

  private Outcome succeeded(Outcome outcome) {
    loggedEpisode = null;
    return outcome;
  }

  private void logOnce(String episode, String message, boolean error) {
    if (episode.equals(loggedEpisode)) {
      return;
    }
    loggedEpisode = episode;
    if (error) {
      LOG.error("{}", message);
    } else {
      LOG.info("{}: key={}", message, leaser.describe());
    }
  }
}
