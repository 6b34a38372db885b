/**
 * The replica's side of replication: {@link dev.replicafs.replication.replica.ReplicaClient}
 * connects to the primary's {@code /stream}, verifies and applies every LTX file through the store,
 * tracks lag, and reconnects with backoff (docs/PROTOCOL.md, "What the replica does").
 */
package dev.replicafs.replication.replica;
