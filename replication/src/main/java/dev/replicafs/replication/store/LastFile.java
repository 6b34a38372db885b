package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.LtxTrailer;
import java.util.TreeMap;

/**
 * The last LTX file (or a pending one) as recovery reads it: header and trailer, and the page
 * checksums when the file was decoded ({@code pages} is null when only its ends were read).
 */
record LastFile(
    LtxFileName name, LtxHeader header, LtxTrailer trailer, TreeMap<Long, Long> pages) {}
