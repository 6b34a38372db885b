package dev.replicafs.cmd;

/**
 * What the commands do once their arguments are valid: the seam between the CLI (parsing,
 * validation, exit codes) and the node machinery (store, FUSE, lease, proxy, node API client).
 * {@link Main} uses {@code dev.replicafs.cmd.node.NodeActions}; CLI tests pass their own.
 */
public interface Actions {
  /** Runs the node until it stops; returns the exit code (the exec child's, when one ran). */
  int mount(Requests.Mount request) throws Exception;

  /** Runs the command as {@code replicafs run} does; returns the command's exit code. */
  int run(Requests.Run request) throws Exception;

  /** Exports a database to a file. */
  void export(Requests.Export request) throws Exception;

  /** Imports a file as a database. */
  void importDatabase(Requests.Import request) throws Exception;

  /** Actions that explain that the machinery is not part of this build yet. */
  static Actions unwired() {
    return new Actions() {
      @Override
      public int mount(Requests.Mount r) {
        throw new UnavailableException(
            "replicafs mount: config "
                + r.configPath()
                + " is valid (lease "
                + r.config().lease().type().configName()
                + ", fuse.dir "
                + r.config().fuse().dir()
                + ", data.dir "
                + r.config().data().dir()
                + ") but the mount lifecycle is not wired into this build yet (issue #8)");
      }

      @Override
      public int run(Requests.Run r) throws InterruptedException {
        if (r.haltLockOn() != null) {
          return dev.replicafs.cmd.halt.HaltLockRunner.run(r.haltLockOn(), r.command());
        }
        throw new UnavailableException(
            "replicafs run: arguments are valid but the node API client is not wired into this"
                + " build yet (issue #8, #9)");
      }

      @Override
      public void export(Requests.Export r) {
        throw new UnavailableException(
            "replicafs export: arguments are valid but the node API client is not wired into this"
                + " build yet (issue #8)");
      }

      @Override
      public void importDatabase(Requests.Import r) {
        throw new UnavailableException(
            "replicafs import: "
                + r.path()
                + " is a SQLite database but the node API client is not wired into this build yet"
                + " (issue #8)");
      }
    };
  }
}
