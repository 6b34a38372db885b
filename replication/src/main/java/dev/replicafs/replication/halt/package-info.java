/**
 * The primary's side of the halt lock (docs/PROTOCOL.md, "The halt lock"): which node halted which
 * database, its write guard and expiry. The replica's side lives in the store ({@code Db}) and the
 * node API client.
 */
package dev.replicafs.replication.halt;
