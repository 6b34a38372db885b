package dev.replicafs.cmd.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a parsed config file onto the {@link Config} records, one method per section, reading every
 * key with its default and rejecting unknown ones. Also applies what LiteFS derives at load time:
 * {@code LITEFS_CLOUD_TOKEN}/{@code LITEFS_CLOUD_ENDPOINT} for backup, the lease hostname and
 * advertise URL for dynamic leases, and the cluster token from a file or variable.
 *
 * <p>Longer than most classes on purpose: it is the one place where every key of the format is
 * named with its default, one short method per section, so the whole format reads top to bottom.
 */
final class ConfigBinder {
  private final LoadContext context;
  private final Path baseDir;

  /**
   * Binds with {@code context}; relative {@code token-file} paths resolve against {@code baseDir}.
   */
  ConfigBinder(LoadContext context, Path baseDir) {
    this.context = context;
    this.baseDir = baseDir;
  }

  Config bind(ConfigSection top) {
    boolean exitOnError = top.bool("exit-on-error", true);
    boolean skipSync = top.bool("skip-sync", false);
    boolean strictVerify = top.bool("strict-verify", false);
    List<ExecEntry> exec = exec(top);
    DataConfig data = data(top.section("data"));
    FuseConfig fuse = fuse(top.section("fuse"));
    HttpConfig http = http(top.section("http"));
    ProxyConfig proxy = proxy(top.section("proxy"));
    LeaseConfig lease = lease(top.section("lease"), http);
    BackupConfig backup = backup(top.section("backup"));
    LogConfig log = log(top.section("log"));
    TracingConfig tracing = tracing(top.section("tracing"));
    ReplicationConfig replication = replication(top.section("replication"));
    HaltConfig halt = new HaltConfig(top.section("halt").duration("ttl", HaltConfig.DEFAULT_TTL));
    top.finish();
    return new Config(
        exitOnError,
        skipSync,
        strictVerify,
        exec,
        data,
        fuse,
        http,
        proxy,
        lease,
        backup,
        log,
        tracing,
        replication,
        halt);
  }

  private List<ExecEntry> exec(ConfigSection top) {
    YamlNode node = top.raw("exec");
    if (node == null) {
      return List.of();
    }
    String expected = "a command string or a list of {cmd, if-candidate}";
    if (node instanceof YamlNode.Scalar) {
      return List.of(new ExecEntry(((YamlNode.Scalar) node).text(), false));
    }
    if (!(node instanceof YamlNode.Sequence)) {
      throw top.typeError(node, "exec", expected);
    }
    List<ExecEntry> entries = new ArrayList<>();
    List<YamlNode> items = ((YamlNode.Sequence) node).items();
    for (int i = 0; i < items.size(); i++) {
      YamlNode item = items.get(i);
      if (item instanceof YamlNode.Scalar && ((YamlNode.Scalar) item).text() != null) {
        entries.add(new ExecEntry(((YamlNode.Scalar) item).text(), false));
        continue;
      }
      if (!(item instanceof YamlNode.Mapping)) {
        throw top.typeError(item, "exec", expected);
      }
      ConfigSection entry = top.child("exec[" + i + "]", item);
      String cmd = entry.string("cmd", "");
      boolean ifCandidate = entry.bool("if-candidate", false);
      entry.finish();
      if (cmd.isBlank()) {
        throw ConfigException.at(
            top.file(), item.line(), "exec", "exec[" + i + "].cmd is required: the command line");
      }
      entries.add(new ExecEntry(cmd, ifCandidate));
    }
    return entries;
  }

  private static DataConfig data(ConfigSection s) {
    DataConfig d = DataConfig.defaults();
    DataConfig out =
        new DataConfig(
            path(s, "dir", d.dir()),
            s.bool("compress", d.compress()),
            s.duration("retention", d.retention()),
            s.duration("retention-monitor-interval", d.retentionMonitorInterval()),
            s.bytes("retention-max-bytes", d.retentionMaxBytes()),
            s.duration("ltx-interval", d.ltxInterval()));
    s.finish();
    return out;
  }

  private static FuseConfig fuse(ConfigSection s) {
    FuseConfig d = FuseConfig.defaults();
    FuseConfig out =
        new FuseConfig(
            path(s, "dir", d.dir()), s.bool("allow-other", false), s.bool("debug", false));
    s.finish();
    return out;
  }

  private HttpConfig http(ConfigSection s) {
    HttpConfig d = HttpConfig.defaults();
    String addr = s.string("addr", d.addr());
    var snapshotTimeout = s.duration("snapshot-timeout", d.snapshotTimeout());
    String token = token(s);
    ConfigSection t = s.section("tls");
    TlsConfig tls =
        new TlsConfig(
            path(t, "cert-file", null), path(t, "key-file", null), path(t, "client-ca-file", null));
    t.finish();
    s.finish();
    return new HttpConfig(addr, snapshotTimeout, token, tls);
  }

  private String token(ConfigSection s) {
    String literal = s.string("token", "");
    String file = s.string("token-file", "");
    String variable = s.string("token-env", "");
    int set = (literal.isEmpty() ? 0 : 1) + (file.isEmpty() ? 0 : 1) + (variable.isEmpty() ? 0 : 1);
    if (set > 1) {
      throw s.invalid("token", "set only one of http.token, http.token-file and http.token-env");
    }
    if (!file.isEmpty()) {
      Path p = baseDir.resolve(file);
      try {
        String value = Files.readString(p).strip();
        if (value.isEmpty()) {
          throw s.invalid("token-file", "http.token-file " + p + " is empty: put the token in it");
        }
        return value;
      } catch (IOException e) {
        throw s.invalid(
            "token-file", "http.token-file: cannot read " + p + " (" + e.getMessage() + ")");
      }
    }
    if (!variable.isEmpty()) {
      String value = context.getenv(variable);
      if (value == null || value.isBlank()) {
        throw s.invalid(
            "token-env",
            "http.token-env names " + variable + ", which is not set: export it or remove the key");
      }
      return value.strip();
    }
    return literal;
  }

  private static ProxyConfig proxy(ConfigSection s) {
    ProxyConfig d = ProxyConfig.defaults();
    ProxyConfig out =
        new ProxyConfig(
            s.string("addr", d.addr()),
            s.string("target", d.target()),
            s.string("db", d.db()),
            s.duration("max-lag", d.maxLag()),
            s.bool("debug", d.debug()),
            s.strings("passthrough"),
            s.strings("always-forward"),
            s.duration("primary-redirect-timeout", d.primaryRedirectTimeout()),
            s.duration("read-timeout", d.readTimeout()),
            s.duration("read-header-timeout", d.readHeaderTimeout()),
            s.duration("write-timeout", d.writeTimeout()),
            s.duration("idle-timeout", d.idleTimeout()),
            choice(s, "mode", ProxyMode.values(), d.mode()),
            s.duration("txid-wait-timeout", d.txidWaitTimeout()));
    s.finish();
    return out;
  }

  private LeaseConfig lease(ConfigSection s, HttpConfig http) {
    LeaseType type = choice(s, "type", LeaseType.values(), null);
    String hostname = s.string("hostname", "");
    String advertiseUrl = s.string("advertise-url", "");
    if (type == LeaseType.CONSUL || type == LeaseType.ETCD) {
      if (hostname.isEmpty()) {
        hostname = context.hostname().get();
      }
      if (advertiseUrl.isEmpty()) {
        advertiseUrl =
            (http.tls().enabled() ? "https://" : "http://") + hostname + ":" + http.port();
      }
    }
    boolean candidate = s.bool("candidate", true);
    boolean promote = s.bool("promote", false);
    var reconnectDelay = s.duration("reconnect-delay", LeaseConfig.DEFAULT_RECONNECT_DELAY);
    var demoteDelay = s.duration("demote-delay", LeaseConfig.DEFAULT_DEMOTE_DELAY);
    List<String> databases = s.strings("databases");
    ConfigSection c = s.section("consul");
    ConsulConfig consul =
        new ConsulConfig(
            c.string("url", ""),
            c.string("key", ""),
            c.duration("ttl", ConsulConfig.DEFAULT_TTL),
            c.duration("lock-delay", ConsulConfig.DEFAULT_LOCK_DELAY));
    c.finish();
    EtcdConfig etcd = etcd(s.section("etcd"));
    s.finish();
    return new LeaseConfig(
        type,
        hostname,
        advertiseUrl,
        candidate,
        promote,
        reconnectDelay,
        demoteDelay,
        databases,
        consul,
        etcd);
  }

  private static EtcdConfig etcd(ConfigSection e) {
    List<String> endpoints = e.strings("endpoints");
    String key = e.string("key", "");
    var ttl = e.duration("ttl", EtcdConfig.DEFAULT_TTL);
    String username = e.string("username", "");
    String password = e.string("password", "");
    ConfigSection t = e.section("tls");
    EtcdConfig.Tls tls =
        new EtcdConfig.Tls(
            path(t, "ca-file", null), path(t, "cert-file", null), path(t, "key-file", null));
    t.finish();
    e.finish();
    return new EtcdConfig(endpoints, key, ttl, username, password, tls);
  }

  private BackupConfig backup(ConfigSection s) {
    BackupType type = choice(s, "type", BackupType.values(), BackupType.NONE);
    String path = s.string("path", "");
    String url = s.string("url", "");
    String cluster = s.string("cluster", "");
    String authToken = s.string("auth-token", "");
    s.finish();
    String cloudToken = context.getenv("LITEFS_CLOUD_TOKEN");
    if (cloudToken != null && !cloudToken.isBlank()) {
      if (type == BackupType.NONE) {
        type = BackupType.LITEFS_CLOUD;
      }
      if (type == BackupType.LITEFS_CLOUD && authToken.isEmpty()) {
        authToken = cloudToken.strip();
      }
    }
    if (type == BackupType.LITEFS_CLOUD && url.isEmpty()) {
      String endpoint = context.getenv("LITEFS_CLOUD_ENDPOINT");
      url = endpoint == null || endpoint.isBlank() ? BackupConfig.DEFAULT_CLOUD_URL : endpoint;
    }
    return new BackupConfig(type, path, url, cluster, authToken);
  }

  private static LogConfig log(ConfigSection s) {
    LogConfig out =
        new LogConfig(
            choice(s, "format", LogFormat.values(), LogFormat.TEXT),
            s.bool("timestamp", false),
            s.bool("debug", false));
    s.finish();
    return out;
  }

  private static TracingConfig tracing(ConfigSection s) {
    TracingConfig d = TracingConfig.defaults();
    TracingConfig out =
        new TracingConfig(
            s.bool("enabled", d.enabled()),
            s.string("path", d.path()),
            s.integer("max-size", d.maxSize()),
            s.integer("max-count", d.maxCount()),
            s.bool("compress", d.compress()));
    s.finish();
    return out;
  }

  private static ReplicationConfig replication(ConfigSection s) {
    ReplicationConfig d = ReplicationConfig.defaults();
    ReplicationConfig out =
        new ReplicationConfig(
            choice(s, "sync", SyncMode.values(), d.sync()),
            s.duration("sync-timeout", d.syncTimeout()),
            choice(s, "sync-fallback", SyncFallback.values(), d.syncFallback()));
    s.finish();
    return out;
  }

  private static Path path(ConfigSection s, String key, Path defaultValue) {
    String value = s.string(key, "");
    return value.isEmpty() ? defaultValue : Path.of(value);
  }

  private static <E extends ConfigChoice> E choice(
      ConfigSection s, String key, E[] values, E defaultValue) {
    String value = s.string(key, "");
    if (value.isEmpty()) {
      return defaultValue;
    }
    List<String> names = new ArrayList<>();
    for (E e : values) {
      if (e.configName().equals(value)) {
        return e;
      }
      if (!e.configName().isEmpty()) {
        names.add(e.configName());
      }
    }
    throw s.invalid(
        key,
        s.pathOf(key) + " must be one of " + String.join(", ", names) + ", got \"" + value + "\"");
  }
}
