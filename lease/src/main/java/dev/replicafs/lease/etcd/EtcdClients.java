package dev.replicafs.lease.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLException;

/** Builds a jetcd {@link Client} from {@code lease.etcd.*}: endpoints, credentials, TLS files. */
final class EtcdClients {

  private EtcdClients() {}

  static Client build(EtcdConfig config, ExecutorService executor) {
    ClientBuilder builder =
        Client.builder()
            .endpoints(config.endpoints().toArray(String[]::new))
            .executorService(executor)
            .connectTimeout(config.timeout());
    if (!config.username().isEmpty()) {
      builder
          .user(ByteSequence.from(config.username(), StandardCharsets.UTF_8))
          .password(ByteSequence.from(config.password(), StandardCharsets.UTF_8));
    }
    if (config.tls()) {
      try {
        builder.sslContext(
            ssl -> {
              if (!config.caFile().isEmpty()) {
                ssl.trustManager(new File(config.caFile()));
              }
              if (!config.certFile().isEmpty()) {
                ssl.keyManager(new File(config.certFile()), new File(config.keyFile()));
              }
            });
      } catch (SSLException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "lease.etcd: cannot load TLS files (ca-file="
                + config.caFile()
                + ", cert-file="
                + config.certFile()
                + ", key-file="
                + config.keyFile()
                + "): "
                + e.getMessage(),
            e);
      }
    }
    return builder.build();
  }
}
