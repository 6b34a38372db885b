package dev.replicafs.cmd.node;

import dev.replicafs.lease.etcd.EtcdProcess;

/**
 * One real etcd for every cluster test of this test JVM (each cluster uses its own key), started on
 * first use and stopped by a shutdown hook: starting etcd per class would cost seconds for nothing.
 */
final class SharedEtcd {
  private static EtcdProcess etcd;

  private SharedEtcd() {}

  /** The running etcd; fails (CI) or skips (elsewhere) when the binary is missing. */
  static synchronized EtcdProcess get() throws Exception {
    if (etcd == null) {
      EtcdProcess started = EtcdProcess.start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-etcd-stop"));
      etcd = started;
    }
    return etcd;
  }
}
