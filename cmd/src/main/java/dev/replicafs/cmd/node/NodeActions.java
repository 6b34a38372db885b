package dev.replicafs.cmd.node;

import dev.replicafs.cmd.Actions;
import dev.replicafs.cmd.Requests;
import java.io.PrintWriter;
import java.time.Clock;

/**
 * The real {@link Actions}: {@code mount} runs a node ({@link NodeLifecycle}); {@code run}, {@code
 * export} and {@code import} talk to a node's API ({@link ApiCommands}).
 */
public final class NodeActions implements Actions {
  private final ApiCommands api;

  /** Actions that print progress and notices on {@code out}. */
  public NodeActions(PrintWriter out) {
    this.api = new ApiCommands(out);
  }

  @Override
  public int mount(Requests.Mount request) throws Exception {
    return new NodeLifecycle(request, Clock.systemUTC()).run();
  }

  @Override
  public int run(Requests.Run request) throws Exception {
    return api.run(request);
  }

  @Override
  public void export(Requests.Export request) throws Exception {
    api.export(request);
  }

  @Override
  public void importDatabase(Requests.Import request) throws Exception {
    api.importDatabase(request);
  }
}
