/** The {@code replicafs} command: configuration, CLI and the composition root. */
package dev.replicafs.cmd;
