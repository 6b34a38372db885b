/**
 * The replication stream wire format (docs/PROTOCOL.md): the position map a replica posts, the
 * framed stream the primary answers with, and the chunked bodies that carry LTX files.
 */
package dev.replicafs.replication.stream;
