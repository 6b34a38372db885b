package dev.replicafs.replication.role;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The nodes of one test cluster, by node ID and hostname (stands in for the network). */
final class RoleNetwork {
  private final Map<Long, RoleNode> nodes = new ConcurrentHashMap<>();

  void add(RoleNode node) {
    nodes.put(node.nodeId, node);
  }

  RoleNode node(long nodeId) {
    return nodes.get(nodeId);
  }

  RoleNode byHostname(String hostname) {
    return nodes.values().stream().filter(n -> n.name.equals(hostname)).findFirst().orElse(null);
  }
}
