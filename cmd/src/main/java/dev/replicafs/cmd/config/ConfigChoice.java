package dev.replicafs.cmd.config;

/** A closed set of values written in the config file by a lower-case name ({@code fly-replay}). */
public interface ConfigChoice {
  /** The name used in the config file. */
  String configName();
}
