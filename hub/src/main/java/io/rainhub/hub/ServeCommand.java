package io.rainhub.hub;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code rainhub serve}: starts the hub and keeps running until stopped. Its options are built
 * from {@link HubOption}, so the flags, the YAML keys and the environment variables never drift.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Start the hub. Settings come from flags, then RAINHUB_* environment variables,",
        "then the YAML file (--config), then defaults."})
public final class ServeCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandSpec spec;

  /** Picocli calls this after parsing; options are registered in {@link #registerOptions}. */
  @Override
  public Integer call() throws Exception {
    Map<HubOption, String> flags = new EnumMap<>(HubOption.class);
    for (HubOption option : HubOption.values()) {
      OptionSpec spec = this.spec.findOption(option.flag());
      if (spec != null && this.spec.commandLine().getParseResult().hasMatchedOption(spec)) {
        Object value = spec.getValue();
        flags.put(option, String.valueOf(value));
      }
    }
    HubSettings settings;
    try {
      settings = HubConfigLoader.load(flags, System.getenv());
    } catch (HubConfigLoader.ConfigException e) {
      System.err.println("rainhub serve: " + e.getMessage());
      return 2;
    }
    Hub hub;
    try {
      hub = Hub.start(settings);
    } catch (Exception e) {
      System.err.println("rainhub serve: could not start: " + rootMessage(e));
      org.slf4j.LoggerFactory.getLogger(ServeCommand.class).debug("Start-up failure", e);
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        hub.stop();
      } catch (Exception ignored) {
        // shutting down anyway
      }
    }, "rainhub-shutdown"));
    Thread.currentThread().join();
    return 0;
  }

  /** Adds one option per {@link HubOption} to the {@code serve} command. */
  static CommandSpec registerOptions(CommandSpec serve) {
    for (HubOption option : HubOption.values()) {
      OptionSpec.Builder builder = OptionSpec.builder(option.flag())
          .description(option.description() + " [env " + option.environmentVariable()
              + (option.defaultValue() == null ? "" : "; default " + option.defaultValue()) + "]");
      if (option == HubOption.CLUSTER) {
        builder.type(boolean.class).arity("0..1").fallbackValue("true").paramLabel("true|false");
      } else {
        builder.type(String.class).paramLabel("<" + option.key() + ">");
      }
      serve.addOption(builder.build());
    }
    return serve;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      if (root.getMessage() != null && !message.toString().contains(root.getMessage())) {
        message.append(": ").append(root.getMessage());
      }
    }
    return message.toString();
  }
}
