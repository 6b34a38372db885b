/**
 * The replication core: LTX codec, SQLite file formats, the store, stream frames and the node API.
 */
package dev.replicafs.replication;
