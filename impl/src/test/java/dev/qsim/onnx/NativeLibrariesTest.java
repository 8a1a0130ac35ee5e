package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.io.CacheDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native libraries are unpacked once into qsim's per-user cache folder and reused (issue 19, item
 * 6): a run leaves no {@code onnxruntime-java*} folder and, without a writable home, no shared
 * {@code .djl.ai} in the temporary directory. Each run is a fresh JVM, as the CLI's are.
 */
class NativeLibrariesTest {
  @TempDir Path tmp;

  private String runChild(Path model, Path tempDir, Path cache, Path home)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.io.tmpdir=" + tempDir);
    command.add("-D" + CacheDirectory.PROPERTY + "=" + cache);
    command.add("-Duser.home=" + home);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(NativeLitterChild.class.getName());
    command.add(model.toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment()
        .keySet()
        .removeAll(List.of("DJL_CACHE_DIR", "ENGINE_CACHE_DIR", "QSIM_CACHE_DIR"));
    Process child = pb.start();
    byte[] out = child.getInputStream().readAllBytes();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(text).isZero();
    return text;
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static Path find(Path dir, String name) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElse(null);
    }
  }

  @Test
  void runsLeaveNothingInTheTemporaryDirectoryAndReuseTheUnpackedLibraries() throws Exception {
    Path model = TinyModel.write(tmp.resolve("tiny"));
    Path tempDir = Files.createDirectories(tmp.resolve("java-tmp"));
    Path cache = tmp.resolve("cache");
    Path home =
        Files.createDirectory(
            tmp.resolve("read-only-home"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-x------")));

    assertThat(runChild(model, tempDir, cache, home)).contains("dimension 24");
    assertThat(names(tempDir)).as("left in java.io.tmpdir").isEmpty();
    Path ort = find(cache.resolve("native"), System.mapLibraryName("onnxruntime4j_jni"));
    Path tokenizers = find(cache.resolve("native"), System.mapLibraryName("tokenizers"));
    assertThat(ort).as("ONNX Runtime under the cache folder").isNotNull();
    assertThat(tokenizers).as("DJL's tokenizers under the cache folder").isNotNull();
    FileTime ortTime = Files.getLastModifiedTime(ort);
    FileTime tokenizersTime = Files.getLastModifiedTime(tokenizers);

    assertThat(runChild(model, tempDir, cache, home)).contains("dimension 24");
    assertThat(names(tempDir)).as("left in java.io.tmpdir").isEmpty();
    assertThat(Files.getLastModifiedTime(ort)).as("reused, not unpacked again").isEqualTo(ortTime);
    assertThat(Files.getLastModifiedTime(tokenizers)).isEqualTo(tokenizersTime);
    assertThat(names(home)).as("nothing written to the home directory").isEmpty();
  }
}
