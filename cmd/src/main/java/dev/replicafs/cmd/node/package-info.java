/**
 * The composition root of {@code replicafs mount}: {@link dev.replicafs.cmd.node.NodeLifecycle}
 * opens the store, the node API, the lease, the FUSE mount and the proxy in order ({@code
 * NodeStartup}), runs {@code exec}, and closes everything in reverse. The node's role is decided in
 * one class, {@code Roles} (static lease today); the rest reads it through {@code RoleSource} and
 * the mount status. {@link dev.replicafs.cmd.node.NodeActions} is what {@code Main} runs.
 */
package dev.replicafs.cmd.node;
