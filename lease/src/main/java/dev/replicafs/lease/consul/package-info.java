/**
 * The {@code consul} lease through the kiwiproject Consul client, LiteFS-compatible: a session with
 * TTL and lock-delay, KV acquire of {@code <prefix>/<key>}, ACL token and prefix taken from {@code
 * lease.consul.url}, and the cluster ID at {@code <prefix>/<key>/clusterid}.
 */
package dev.replicafs.lease.consul;
