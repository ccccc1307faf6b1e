package io.rainhub.hub.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a command finds the password to log in with, in the order {@link #resolve} tries. */
public final class Passwords {

  public static final String ADMIN = "admin";
  public static final String ENVIRONMENT = "RAINHUB_ADMIN_PASSWORD";
  public static final String DEFAULT_FILE = "data/admin-password.txt";

  private Passwords() {
  }

  /**
   * The first line of stdin when {@code fromStdin}; for {@code admin}, {@code RAINHUB_ADMIN_PASSWORD}
   * and then {@code passwordFile} (what a local hub wrote on first start); else a prompt on the console.
   */
  public static String resolve(String username, boolean fromStdin, Path passwordFile) {
    if (fromStdin) {
      try {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
          throw new CliException(CliException.UNREACHABLE, "--password-stdin: nothing on stdin");
        }
        return line;
      } catch (IOException e) {
        throw new CliException(CliException.UNREACHABLE, "--password-stdin: " + e.getMessage());
      }
    }
    if (ADMIN.equals(username)) {
      String fromEnvironment = System.getenv(ENVIRONMENT);
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        return fromEnvironment;
      }
      if (passwordFile != null && Files.isReadable(passwordFile)) {
        try {
          return Files.readString(passwordFile).trim();
        } catch (IOException e) {
          throw new CliException(CliException.UNREACHABLE, "cannot read " + passwordFile + ": " + e.getMessage());
        }
      }
    }
    Console console = System.console();
    if (console == null) {
      throw new CliException(CliException.UNREACHABLE, "no password for " + username + ": use --password-stdin"
          + (ADMIN.equals(username) ? ", set " + ENVIRONMENT + " or --password-file" : "") + " (no console to ask on)");
    }
    char[] typed = console.readPassword("Password for %s: ", username);
    if (typed == null || typed.length == 0) {
      throw new CliException(CliException.UNREACHABLE, "no password given");
    }
    return new String(typed);
  }
}
