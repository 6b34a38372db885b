/**
 * LTX ("Lite Transaction") file format version 1, byte-compatible with LiteFS 0.5 and superfly/ltx
 * v0.3.14: header and trailer records, CRC-64/GO-ISO and the database rolling checksum, a streaming
 * encoder and verifying decoder (raw or one LZ4 frame), file names, the compactor and a small
 * helper that applies a file to a database image.
 *
 * <p>The package is pure: it imports nothing outside the JDK and lz4-java. The format itself is
 * described in {@code docs/LTX.md}.
 */
package dev.replicafs.replication.ltx;
