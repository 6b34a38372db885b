/**
 * One replicating node: the node API server plus, on a replica, the client streaming from the
 * primary, switched by a narrow role seam ({@link dev.replicafs.replication.node.ReplicationNode}).
 */
package dev.replicafs.replication.node;
