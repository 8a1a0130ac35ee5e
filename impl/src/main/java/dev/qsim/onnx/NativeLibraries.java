package dev.qsim.onnx;

import dev.qsim.QsimException;
import dev.qsim.io.AtomicFiles;
import dev.qsim.io.CacheDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * Puts the native libraries of ONNX Runtime and DJL's tokenizers under qsim's private per-user
 * cache folder ({@link CacheDirectory}, {@code native/}), where they are unpacked once and reused,
 * instead of ONNX Runtime's fresh {@code java.io.tmpdir/onnxruntime-java*} folder per run (left
 * behind empty) and DJL's {@code ~/.djl.ai}, or {@code java.io.tmpdir/.djl.ai} shared by every user
 * when the home directory is not writable.
 *
 * <p>It does so through the settings both libraries read, set as system properties <b>only when
 * they are unset</b> (the user's choice wins): {@code onnxruntime.native.path} (ONNX Runtime's
 * libraries, unpacked here from its jar into {@code native/onnxruntime/<platform>-<crc>} and
 * checked against the jar's CRC-32 on every start) unless it is set; {@code ENGINE_CACHE_DIR}
 * ({@code native/djl}) unless {@code ENGINE_CACHE_DIR} or {@code DJL_CACHE_DIR} is set as an
 * environment variable or system property; {@code jna.tmpdir} ({@code native/jna}, where JNA, which
 * DJL loads, unpacks its dispatch library; else {@code ~/.cache/JNA} or the temporary directory)
 * unless it is set. Best effort: when the cache folder cannot be used, nothing is set and the
 * libraries unpack as they would without qsim.
 *
 * <p>Thread-safe; {@link #prepare()} does its work once per class loader.
 */
final class NativeLibraries {
  static final String ORT_PATH_PROPERTY = "onnxruntime.native.path";
  static final String DJL_ENGINE_CACHE = "ENGINE_CACHE_DIR";
  static final String DJL_CACHE = "DJL_CACHE_DIR";
  static final String JNA_TMPDIR = "jna.tmpdir";

  private static boolean prepared;

  private NativeLibraries() {}

  /** Sets up both libraries' native folders, once; before the first DJL or ONNX Runtime call. */
  static synchronized void prepare() {
    if (prepared) {
      return;
    }
    prepared = true;
    Path root = CacheDirectory.root().resolve("native");
    prepareOnnxRuntime(root.resolve("onnxruntime"));
    prepareDjl(root.resolve("djl"));
    prepareJna(root.resolve("jna"));
  }

  /** JNA (which DJL loads to look for CUDA) unpacks its dispatch library into jna.tmpdir. */
  private static void prepareJna(Path dir) {
    if (System.getProperty(JNA_TMPDIR) != null) {
      return;
    }
    try {
      CacheDirectory.create(dir);
    } catch (IOException | RuntimeException e) {
      return;
    }
    System.setProperty(JNA_TMPDIR, dir.toString());
  }

  private static void prepareDjl(Path dir) {
    if (isSet(DJL_ENGINE_CACHE) || isSet(DJL_CACHE)) {
      return;
    }
    try {
      CacheDirectory.create(dir);
    } catch (IOException | RuntimeException e) {
      return;
    }
    System.setProperty(DJL_ENGINE_CACHE, dir.toString());
  }

  private static boolean isSet(String name) {
    String env = System.getenv(name);
    String property = System.getProperty(name);
    return (env != null && !env.isEmpty()) || (property != null && !property.isEmpty());
  }

  private static void prepareOnnxRuntime(Path parent) {
    if (System.getProperty(ORT_PATH_PROPERTY) != null) {
      return;
    }
    String platform = platform();
    if (platform == null) {
      return;
    }
    ClassLoader loader = NativeLibraries.class.getClassLoader();
    List<String> names =
        List.of(System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni"));
    try {
      long[] crcs = new long[names.size()];
      URL[] urls = new URL[names.size()];
      long key = 17;
      for (int i = 0; i < names.size(); i++) {
        urls[i] = loader.getResource("ai/onnxruntime/native/" + platform + "/" + names.get(i));
        if (urls[i] == null) {
          return; // not the CPU jar we know; let ONNX Runtime find its library itself
        }
        crcs[i] = crc(urls[i]);
        key = key * 31 + crcs[i];
      }
      Path dir =
          CacheDirectory.create(
              parent.resolve(platform + "-" + Long.toHexString(key & 0xffffffffffffL)));
      for (int i = 0; i < names.size(); i++) {
        install(urls[i], crcs[i], dir.resolve(names.get(i)));
      }
      System.setProperty(ORT_PATH_PROPERTY, dir.toString());
    } catch (IOException | RuntimeException e) {
      // Best effort: ONNX Runtime unpacks into the temporary folder as it would without qsim.
    }
  }

  /** Copies a library unless an intact copy is there; the copy appears atomically. */
  private static void install(URL url, long crc, Path target) throws IOException {
    if (Files.isRegularFile(target)) {
      try (InputStream in = Files.newInputStream(target)) {
        if (crcOf(in) == crc) {
          return;
        }
      }
    }
    try {
      AtomicFiles.writeStream(
          target,
          "native library",
          out -> {
            CRC32 sum = new CRC32();
            try (InputStream in = new CheckedInputStream(url.openStream(), sum)) {
              in.transferTo(out);
            }
            if (sum.getValue() != crc) {
              throw new IOException("unpacked " + target + " does not match its jar entry");
            }
          });
    } catch (QsimException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The CRC-32 of a resource: its jar entry's, without reading it, else computed. */
  private static long crc(URL url) throws IOException {
    URLConnection c = url.openConnection();
    if (c instanceof JarURLConnection jar) {
      c.setUseCaches(false);
      JarEntry entry = jar.getJarEntry();
      if (entry != null && entry.getCrc() >= 0) {
        return entry.getCrc();
      }
    }
    try (InputStream in = url.openStream()) {
      return crcOf(in);
    }
  }

  private static long crcOf(InputStream in) throws IOException {
    CRC32 crc = new CRC32();
    try (CheckedInputStream checked = new CheckedInputStream(in, crc)) {
      checked.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return crc.getValue();
  }

  /** ONNX Runtime's name for this platform's folder in its jar, or null if it has none. */
  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o;
    if (os.contains("linux")) {
      o = "linux";
    } else if (os.contains("mac") || os.contains("darwin")) {
      o = "osx";
    } else if (os.contains("win")) {
      o = "win";
    } else {
      return null;
    }
    String a;
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      a = "x64";
    } else if (arch.equals("aarch64") || arch.equals("arm64")) {
      a = "aarch64";
    } else {
      return null;
    }
    return o + "-" + a;
  }
}
