package io.rainhub.agent;

import java.util.Locale;

/** The steps of a component's life on a node, each run by the script of the same name if there is one. */
public enum LifecycleStep {
  INSTALL, CONFIGURE, START, STOP, REFRESH, UPDATE, VALIDATE, UNDEPLOY;

  /** {@code install.sh}, {@code configure.sh}, … */
  public String scriptName() {
    return name().toLowerCase(Locale.ROOT) + ".sh";
  }
}
