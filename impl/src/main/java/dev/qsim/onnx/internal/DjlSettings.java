package dev.qsim.onnx.internal;

/**
 * The one place qsim's libraries keep DJL from reaching the network: before DJL's first call,
 * {@code ai.djl.offline=true} (no model or native library download) and {@code
 * OPT_OUT_TRACKING=true} (no usage report), each only where the application has not set it (a
 * system property or, for tracking, the environment variable). The ONNX Runtime loader and the
 * training module's PyTorch engine both call it; applications may set the properties themselves
 * first.
 *
 * <p>Internal: public only so that qsim's own modules can call it. Stateless; thread-safe.
 */
public final class DjlSettings {
  private DjlSettings() {}

  /** Sets DJL's offline and tracking properties where they are not set yet. */
  public static void offline() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("OPT_OUT_TRACKING") == null
        && System.getenv("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
  }
}
