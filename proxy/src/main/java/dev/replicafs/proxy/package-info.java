/** The HTTP proxy: forwards writes to the primary and gives readers their own writes. */
package dev.replicafs.proxy;
