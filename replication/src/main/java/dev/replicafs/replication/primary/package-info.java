/**
 * The primary's side of replication: the {@link dev.replicafs.replication.primary.ChangeFeed} that
 * turns store commits into per-subscriber dirty sets, and the {@link
 * dev.replicafs.replication.primary.StreamSender} that catches one replica up and then streams new
 * transactions to it (docs/PROTOCOL.md, "What the primary sends").
 */
package dev.replicafs.replication.primary;
