package dev.replicafs.proxy;

import java.util.Objects;

/**
 * Who the primary is, as this node currently sees it: this node ({@link Local}), another node
 * ({@link Remote}) or nobody known yet ({@link Unknown}, e.g. during an election).
 */
public sealed interface Leadership {

  /** This node holds the lease: writes go to the local app. */
  record Local() implements Leadership {}

  /** Another node is primary: writes are forwarded to (or replayed on) it. */
  record Remote(PrimaryInfo primary) implements Leadership {
    public Remote {
      Objects.requireNonNull(primary, "primary");
    }
  }

  /** No primary is known. */
  record Unknown() implements Leadership {}

  /** The single {@link Local} value. */
  Leadership LOCAL = new Local();

  /** The single {@link Unknown} value. */
  Leadership UNKNOWN = new Unknown();

  /** True unless this is {@link Unknown}. */
  default boolean known() {
    return !(this instanceof Unknown);
  }

  /** True when this node is the primary. */
  default boolean isLocal() {
    return this instanceof Local;
  }
}
