package dev.replicafs.lease.etcd;

import dev.replicafs.lease.LeaseUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jetcd futures with a deadline and translates their failures once, into {@link
 * LeaseUnavailableException} naming the operation and the endpoints. A timed-out request is
 * cancelled so it cannot complete later behind the caller's back.
 */
final class EtcdRequests {

  private final String endpoints;
  private final Duration timeout;

  EtcdRequests(String endpoints, Duration timeout) {
    this.endpoints = endpoints;
    this.timeout = timeout;
  }

  Duration timeout() {
    return timeout;
  }

  <T> T await(CompletableFuture<T> future, String operation) throws LeaseUnavailableException {
    return await(future, operation, timeout);
  }

  <T> T await(CompletableFuture<T> future, String operation, Duration limit)
      throws LeaseUnavailableException {
    try {
      return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new LeaseUnavailableException(
          "etcd " + operation + " timed out after " + limit + " (endpoints " + endpoints + ")", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new LeaseUnavailableException(
          "etcd " + operation + " failed (endpoints " + endpoints + "): " + cause.getMessage(),
          cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new LeaseUnavailableException("etcd " + operation + " interrupted", e);
    }
  }

  /** Whether a failure means that etcd does not know the lease (expired or revoked). */
  static boolean leaseNotFound(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && message.contains("requested lease not found")) {
        return true;
      }
    }
    return false;
  }
}
