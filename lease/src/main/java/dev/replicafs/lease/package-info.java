/**
 * Leader election: the {@link dev.replicafs.lease.Leaser}/{@link dev.replicafs.lease.Lease} API
 * (LiteFS shape), the static backend, fencing ({@link dev.replicafs.lease.LeaseMonitor}, {@link
 * dev.replicafs.lease.Lease#validUntil()}) and the cluster ID. The etcd and Consul backends live in
 * the {@code etcd} and {@code consul} sub-packages. This module depends on no other ReplicaFS
 * module. The role state machine that drives these calls is owned by the store; it is described in
 * {@code docs/LEASES.md}.
 */
package dev.replicafs.lease;
