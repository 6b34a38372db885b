/**
 * The HTTP proxy: forwards writes to the primary and gives readers their own writes.
 *
 * <p>Entry points: {@link dev.replicafs.proxy.ProxyConfig} (the {@code proxy} section of {@code
 * replicafs.yml}), {@link dev.replicafs.proxy.ClusterView} (the port the {@code cmd} module
 * implements over the store and the lease) and {@link dev.replicafs.proxy.ProxyServer} (the running
 * server). Routing, headers, the {@code __txid} token and failure statuses are described in {@code
 * docs/PROXY.md}. This package depends on no other ReplicaFS module.
 */
package dev.replicafs.proxy;
