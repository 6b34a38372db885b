/** The FUSE file system that SQLite applications use; it turns every commit into an LTX file. */
package dev.replicafs.fuse;
