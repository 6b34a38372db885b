/**
 * The role state machine: which node of the cluster is primary, driven by a {@link
 * dev.replicafs.lease.Leaser}, with one owner of every transition ({@link
 * dev.replicafs.replication.role.RoleMachine}). See {@code docs/LEASES.md} §3–§5.
 */
package dev.replicafs.replication.role;
