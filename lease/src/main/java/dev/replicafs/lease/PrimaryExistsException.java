package dev.replicafs.lease;

import java.util.Optional;

/**
 * Another node holds the lease. Carries that node's {@link PrimaryInfo} when the backend returned
 * it with the refusal, so the caller can connect to it without a second read.
 */
public final class PrimaryExistsException extends LeaseException {
  private static final long serialVersionUID = 1L;

  private final transient PrimaryInfo primary;

  /**
   * @param primary the current primary, or null when the backend did not say
   */
  public PrimaryExistsException(PrimaryInfo primary) {
    super(
        primary == null
            ? "primary exists"
            : "primary exists: hostname=" + primary.hostname() + " url=" + primary.advertiseUrl());
    this.primary = primary;
  }

  /** The node holding the lease, when known. */
  public Optional<PrimaryInfo> primary() {
    return Optional.ofNullable(primary);
  }
}
