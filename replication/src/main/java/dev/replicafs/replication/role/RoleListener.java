package dev.replicafs.replication.role;

/**
 * Told about every role transition (the {@code /events} primaryChange event, metrics, the {@code
 * .primary} file). Called on the role machine's owner thread, in order; must be quick and must not
 * call back into the machine's blocking methods. An exception is logged and otherwise ignored.
 */
@FunctionalInterface
public interface RoleListener {
  void roleChanged(RoleState previous, RoleState current);
}
