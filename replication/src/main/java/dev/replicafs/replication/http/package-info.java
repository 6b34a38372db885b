/**
 * The node API (docs/PROTOCOL.md): {@link dev.replicafs.replication.http.NodeServer} (Undertow) and
 * {@link dev.replicafs.replication.http.NodeClient} (JDK HttpClient).
 */
package dev.replicafs.replication.http;
