package dev.replicafs.cmd.config;

import java.util.Optional;

/**
 * A configuration file that cannot be used: unreadable, not YAML, an unknown key, a wrong type or a
 * value that fails validation.
 *
 * <p>Thrown by record constructors with only the key path ({@code lease.consul.key}) and the
 * message; {@link ConfigLoader} adds the file and the line so the user sees {@code litefs.yml:14:
 * lease.consul.key is required ...}. The CLI maps it to exit code 2.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String keyPath;
  private final String file;
  private final int line;

  /** A validation failure of {@code keyPath} (empty for the whole file) without a location yet. */
  public ConfigException(String keyPath, String message) {
    this(keyPath, message, null, 0, null);
  }

  private ConfigException(String keyPath, String message, String file, int line, Throwable cause) {
    super(message, cause);
    this.keyPath = keyPath == null ? "" : keyPath;
    this.file = file;
    this.line = line;
  }

  /** A failure located in {@code file} at {@code line} (1-based; 0 when unknown). */
  public static ConfigException at(String file, int line, String keyPath, String message) {
    return new ConfigException(keyPath, message, file, line, null);
  }

  /** A failure of the whole file, such as unreadable or malformed YAML. */
  public static ConfigException ofFile(String file, int line, String message, Throwable cause) {
    return new ConfigException("", message, file, line, cause);
  }

  /** This exception with {@code file} and {@code line} attached (unless it already has a file). */
  public ConfigException locate(String file, int line) {
    if (this.file != null) {
      return this;
    }
    return new ConfigException(keyPath, getMessage(), file, line, getCause());
  }

  /** The dotted key path the failure is about, e.g. {@code lease.consul.key}; may be empty. */
  public String keyPath() {
    return keyPath;
  }

  /** The file name, when known. */
  public Optional<String> file() {
    return Optional.ofNullable(file);
  }

  /** The 1-based line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** One line for the user: {@code file:line: message}. */
  public String describe() {
    if (file == null) {
      return getMessage();
    }
    return line > 0 ? file + ":" + line + ": " + getMessage() : file + ": " + getMessage();
  }
}
