/**
 * The {@code etcd} lease through the official jetcd client: a TTL lease holding the key, a
 * create-if-absent transaction, a watch for waiting candidates, handoff by lease ID, and the
 * cluster ID at {@code <key>/clusterid}. Configured by {@link dev.replicafs.lease.etcd.EtcdConfig}
 * ({@code lease.etcd.*}).
 */
package dev.replicafs.lease.etcd;
