package dev.replicafs.lease;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Handles a missing test prerequisite (a binary, an environment): in CI ({@code CI=true}) the test
 * fails saying what is missing; elsewhere it is skipped with a message saying what to install.
 */
public final class Prerequisite {

  private Prerequisite() {}

  /**
   * @param present whether the prerequisite is there
   * @param what what is missing, e.g. "etcd binary"
   * @param install how to get it, e.g. "apt-get install etcd-server"
   */
  public static void require(boolean present, String what, String install) {
    if (present) {
      return;
    }
    String message = what + " is missing: " + install;
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail("CI=true and " + message);
    }
    Assumptions.assumeTrue(false, message);
  }
}
