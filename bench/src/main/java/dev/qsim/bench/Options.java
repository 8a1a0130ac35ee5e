package dev.qsim.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line: benchmark names first, then {@code --key value}, {@code --key=value} or bare
 * {@code --flag} options. Every option must be read by some benchmark; {@link #checkAllUsed()}
 * rejects the rest, so a typo never silently falls back to a default.
 *
 * <p>Not thread-safe.
 */
final class Options {
  private final List<String> names;
  private final Map<String, String> values;
  private final Set<String> used = new LinkedHashSet<>();

  private Options(List<String> names, Map<String, String> values) {
    this.names = names;
    this.values = values;
  }

  static Options parse(String... args) {
    List<String> names = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        String key = a.substring(2);
        String value;
        int eq = key.indexOf('=');
        if (eq >= 0) {
          value = key.substring(eq + 1);
          key = key.substring(0, eq);
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          value = args[++i];
        } else {
          value = "true";
        }
        if (key.isEmpty()) {
          throw new IllegalArgumentException("Empty option name in argument '" + a + "'");
        }
        if (values.put(key, value) != null) {
          throw new IllegalArgumentException("Option --" + key + " is given twice");
        }
      } else if (values.isEmpty()) {
        names.add(a);
      } else {
        throw new IllegalArgumentException(
            "Benchmark name '" + a + "' must come before the options");
      }
    }
    return new Options(List.copyOf(names), values);
  }

  List<String> names() {
    return names;
  }

  boolean has(String key) {
    used.add(key);
    return values.containsKey(key);
  }

  String string(String key, String fallback) {
    used.add(key);
    return values.getOrDefault(key, fallback);
  }

  int integer(String key, int fallback, int min) {
    used.add(key);
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    int n = parseInt(key, v);
    if (n < min) {
      throw new IllegalArgumentException("--" + key + " must be >= " + min + ", was " + n);
    }
    return n;
  }

  List<Integer> integers(String key, List<Integer> fallback, int min) {
    used.add(key);
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    List<Integer> out = new ArrayList<>();
    for (String part : v.split(",")) {
      String p = part.trim().replace("_", "");
      int n;
      if (p.endsWith("k") || p.endsWith("K")) {
        n = Math.multiplyExact(parseInt(key, p.substring(0, p.length() - 1)), 1000);
      } else if (p.endsWith("m") || p.endsWith("M")) {
        n = Math.multiplyExact(parseInt(key, p.substring(0, p.length() - 1)), 1_000_000);
      } else {
        n = parseInt(key, p);
      }
      if (n < min) {
        throw new IllegalArgumentException("--" + key + " values must be >= " + min + ", was " + n);
      }
      out.add(n);
    }
    return List.copyOf(out);
  }

  /** A comma-separated list of precisions, e.g. {@code --precision fp32,int8}. */
  List<dev.qsim.model.Precision> precisions(String key, String fallback) {
    used.add(key);
    List<dev.qsim.model.Precision> out = new ArrayList<>();
    for (String part : values.getOrDefault(key, fallback).split(",")) {
      try {
        dev.qsim.model.Precision p = dev.qsim.model.Precision.fromId(part);
        if (!out.contains(p)) {
          out.add(p);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + key + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }

  boolean flag(String key) {
    used.add(key);
    String v = values.get(key);
    if (v == null) {
      return false;
    }
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException("--" + key + " takes true or false, was '" + v + "'");
  }

  void checkAllUsed() {
    for (String key : values.keySet()) {
      if (!used.contains(key)) {
        throw new IllegalArgumentException(
            "Unknown option --" + key + " for benchmark(s) " + String.join(", ", names));
      }
    }
  }

  private static int parseInt(String key, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " needs an integer, was '" + v + "'", e);
    }
  }
}
