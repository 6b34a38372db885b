/**
 * Leader election: the {@code Leaser}/{@code Lease} API and its static, Consul and etcd backends.
 */
package dev.replicafs.lease;
