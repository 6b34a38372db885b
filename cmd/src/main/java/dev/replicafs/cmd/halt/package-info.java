/**
 * {@code replicafs run -with-halt-lock-on}: holding a database's halt lock around a command, so the
 * command can write from a replica (docs/LOCKS.md, "The halt lock").
 */
package dev.replicafs.cmd.halt;
