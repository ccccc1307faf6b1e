package io.rainhub.agent.cli;

import io.rainhub.agent.HubEndpoints;
import io.rainhub.agent.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options both commands share: where the hub is, the agent token, and TLS. None is required
 * in picocli's sense: a required option of the main command would be demanded before
 * {@code simulate} too, so the commands check them when they run.
 */
final class HubOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--hub", paramLabel = "URI[,URI...]",
      description = "Required. The hub: ws://, wss://, http:// or https:// host:port (the scheme says whether TLS "
          + "is on; both transports use it). Several hubs of one cluster, comma-separated or with --hub again, all "
          + "with TLS or all without: the agent uses the first and moves to the next when a hub cannot be reached.")
  List<String> hubs;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:RAIN_AGENT_TOKEN}",
      description = "The agent token, sent as 'Authorization: Bearer TOKEN'. Default: the environment variable "
          + "RAIN_AGENT_TOKEN (keeps it out of the process list).")
  String token;

  @Option(names = "--insecure-trust-all", description = "Trust any hub certificate and host name (labs only).")
  boolean trustAll;

  @Option(names = "--ca", paramLabel = "PEM", description = "Trust hubs whose certificate this CA signed.")
  Path ca;

  @Option(names = "--client-cert", paramLabel = "PEM", description = "Client certificate, for hubs that require mutual TLS.")
  Path clientCert;

  @Option(names = "--client-key", paramLabel = "PEM", description = "The client certificate's private key.")
  Path clientKey;

  HubEndpoints endpoints() {
    if (hubs == null || hubs.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Missing required option: --hub");
    }
    try {
      return HubEndpoints.parse(hubs);
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(spec.commandLine(), "--hub: " + invalid.getMessage());
    }
  }

  /** The hubs as given, comma-separated: the simulator's option. */
  String hubList() {
    return String.join(",", hubs);
  }

  String token() {
    if (token == null || token.isBlank()) {
      throw new ParameterException(spec.commandLine(), "Missing the agent token: --token or RAIN_AGENT_TOKEN");
    }
    return token;
  }

  TlsSettings tls() {
    try {
      return new TlsSettings(trustAll, ca, clientCert, clientKey);
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(spec.commandLine(), "--client-cert and --client-key go together");
    }
  }
}
