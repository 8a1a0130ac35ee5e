package dev.qsim.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user gets from a Maven repository: deploys a copy of this project ({@code mvn deploy
 * -Ppublish}, parent, qsim-bom, qsim-api, qsim-impl) to a file repository, then builds and runs a
 * fresh one-file project that imports qsim-bom and depends on qsim-impl through that repository
 * only. Neither build reaches the network (every other repository is mirrored to an empty file
 * repository) and both use fresh local repositories linked to {@code ~/.m2} without its {@code
 * dev/qsim}, so no qsim artefact comes from an earlier install.
 */
@Tag("slow")
class PublishedArtifactsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path USER_REPOSITORY =
      Path.of(System.getProperty("user.home"), ".m2", "repository");

  @Test
  void aProjectBuiltAgainstTheDeployedArtefactsComputesASimilarity(@TempDir Path tmp)
      throws Exception {
    Assumptions.assumeTrue(
        onPath("mvn"), "mvn is not on PATH: cannot deploy and build a project against it");
    assertThat(ROOT.resolve("bom/pom.xml")).as("project root %s", ROOT).isRegularFile();
    String version = projectVersion();
    long start = System.nanoTime();

    Path source = tmp.resolve("qsim");
    copyWithoutBuildOutput(ROOT, source);
    Path published = tmp.resolve("published");
    Path settings = noNetworkSettings(tmp);
    run(
        source,
        List.of(
            "mvn",
            "-B",
            "-q",
            "-s",
            settings.toString(),
            "deploy",
            "-Ppublish",
            "-DskipTests",
            "-Dspotless.check.skip=true",
            "-pl",
            ".,api,impl,bom",
            "-am",
            "-Dmaven.repo.local=" + localRepository(tmp.resolve("m2-deploy")),
            "-DaltDeploymentRepository=qsim-test::" + published.toUri()));
    Path impl = published.resolve("dev/qsim/qsim-impl/" + version);
    assertThat(names(impl))
        .anyMatch(n -> n.endsWith("-sources.jar"))
        .anyMatch(n -> n.endsWith("-javadoc.jar"))
        .anyMatch(n -> n.endsWith(".pom"));
    assertThat(published.resolve("dev/qsim/qsim-bom/" + version)).isDirectory();
    assertThat(published.resolve("dev/qsim/qsim-parent/" + version)).isDirectory();
    assertThat(published.resolve("dev/qsim/qsim-cli")).doesNotExist();

    Path consumer = tmp.resolve("consumer");
    writeConsumer(consumer, version, published);
    Path consumerRepository = localRepository(tmp.resolve("m2-consumer"));
    run(
        consumer,
        List.of(
            "mvn",
            "-B",
            "-q",
            "-s",
            settings.toString(),
            "-Dmaven.repo.local=" + consumerRepository,
            "compile",
            "dependency:build-classpath",
            "-Dmdep.outputFile=classpath.txt"));
    String classpath =
        consumer.resolve("target/classes")
            + File.pathSeparator
            + Files.readString(consumer.resolve("classpath.txt")).strip();
    assertThat(classpath).contains("qsim-impl-").doesNotContain("qsim-cli");
    String out =
        run(
            consumer,
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp",
                classpath,
                "Main"));
    String[] lines = out.strip().split("\\R");
    double similarity = Double.parseDouble(lines[lines.length - 1].strip());
    assertThat(similarity).isBetween(0.5, 1.0);
    // qsim-impl came from the deployed repository, not from an earlier install.
    assertThat(
            Files.readString(
                consumerRepository.resolve(
                    "dev/qsim/qsim-impl/" + version + "/_remote.repositories")))
        .contains(">qsim-test=");
    System.out.printf(
        "PublishedArtifactsTest: deploy, build and run took %d s%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
  }

  private static void writeConsumer(Path dir, String version, Path published) throws IOException {
    Files.createDirectories(dir.resolve("src/main/java"));
    Files.writeString(
        dir.resolve("pom.xml"),
        """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example</groupId>
          <artifactId>uses-qsim</artifactId>
          <version>1</version>
          <properties>
            <maven.compiler.release>17</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>
          <repositories>
            <repository>
              <id>qsim-test</id>
              <url>%s</url>
              <snapshots><enabled>true</enabled></snapshots>
            </repository>
          </repositories>
          <dependencyManagement>
            <dependencies>
              <dependency>
                <groupId>dev.qsim</groupId>
                <artifactId>qsim-bom</artifactId>
                <version>%s</version>
                <type>pom</type>
                <scope>import</scope>
              </dependency>
            </dependencies>
          </dependencyManagement>
          <dependencies>
            <dependency>
              <groupId>dev.qsim</groupId>
              <artifactId>qsim-impl</artifactId>
            </dependency>
          </dependencies>
          <build>
            <plugins>
              <plugin>
                <artifactId>maven-resources-plugin</artifactId>
                <version>3.3.1</version>
              </plugin>
              <plugin>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>3.13.0</version>
              </plugin>
              <plugin>
                <artifactId>maven-dependency-plugin</artifactId>
                <version>3.8.1</version>
              </plugin>
            </plugins>
          </build>
        </project>
        """
            .formatted(published.toUri(), version));
    Files.writeString(
        dir.resolve("src/main/java/Main.java"),
        """
        import dev.qsim.QuestionSimilarity;
        import dev.qsim.onnx.OnnxQuestionSimilarity;

        public class Main {
          public static void main(String[] args) {
            try (QuestionSimilarity sim = OnnxQuestionSimilarity.bundled()) {
              System.out.println(
                  sim.similarity(
                      "How can I stop my depression?", "What can I do to stop being depressed?"));
            }
          }
        }
        """);
  }

  /**
   * Settings that keep Maven off the network without {@code -o} (which refuses to deploy): every
   * repository but qsim-test is mirrored to an empty file repository under the id {@code central},
   * so artefacts cached from Maven Central still count as resolved and nothing else is fetched.
   */
  private static Path noNetworkSettings(Path tmp) throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty-repository"));
    Path settings = tmp.resolve("settings.xml");
    Files.writeString(
        settings,
        """
        <settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
          <mirrors>
            <mirror>
              <id>central</id>
              <mirrorOf>*,!qsim-test</mirrorOf>
              <url>%s</url>
            </mirror>
          </mirrors>
        </settings>
        """
            .formatted(empty.toUri()));
    return settings;
  }

  /** A fresh local repository: links to everything in ~/.m2 but qsim's own artefacts. */
  private static Path localRepository(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("dev"));
    try (Stream<Path> top = Files.list(USER_REPOSITORY)) {
      for (Path entry : top.toList()) {
        if (!entry.getFileName().toString().equals("dev")) {
          Files.createSymbolicLink(dir.resolve(entry.getFileName().toString()), entry);
        }
      }
    }
    Path dev = USER_REPOSITORY.resolve("dev");
    if (Files.isDirectory(dev)) {
      try (Stream<Path> groups = Files.list(dev)) {
        for (Path entry : groups.toList()) {
          if (!entry.getFileName().toString().equals("qsim")) {
            Files.createSymbolicLink(
                dir.resolve("dev").resolve(entry.getFileName().toString()), entry);
          }
        }
      }
    }
    return dir;
  }

  private static void copyWithoutBuildOutput(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            String name = dir.getFileName().toString();
            if (!dir.equals(from) && (name.equals("target") || name.equals(".git"))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(file, to.resolve(from.relativize(file).toString()));
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Runs a command, returns what it printed; fails with that output if it exits non-zero. */
  private static String run(Path dir, List<String> command) throws Exception {
    Path log = Files.createTempFile(dir.getParent(), "mvn", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("OPT_OUT_TRACKING", "true");
    builder.environment().put("DJL_OFFLINE", "true");
    Process process = builder.start();
    if (!process.waitFor(20, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(process.isAlive() ? -1 : process.exitValue())
        .as("%s in %s:%n%s", String.join(" ", command), dir, output)
        .isZero();
    return output;
  }

  private static List<String> names(Path dir) throws IOException {
    assertThat(dir).isDirectory();
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> names.add(f.getFileName().toString()));
    }
    return names;
  }

  private static String projectVersion() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher m =
        Pattern.compile("<artifactId>qsim-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(m.find()).as("version of qsim-parent in %s", ROOT.resolve("pom.xml")).isTrue();
    return m.group(1);
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }
}
