package dev.qsim.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code qsim} command line: {@code similarity}, {@code dedupe}, {@code eval}, {@code
 * calibrate}, {@code index}, {@code pairs}, {@code quantize}, {@code pack} and {@code models},
 * packaged as {@code cli/target/qsim.jar}.
 *
 * <p>Exit codes: {@code 0} success, {@code 1} an error (its message, naming the file or argument,
 * is printed on one line; {@code --verbose} adds the stack trace), {@code 2} a usage error.
 *
 * <p>Not thread-safe: one instance serves one command-line invocation.
 */
@Command(
    name = "qsim",
    mixinStandardHelpOptions = true,
    versionProvider = QsimCli.Version.class,
    description = "Tells whether two questions mean the same thing, offline.",
    subcommands = {
      SimilarityCommand.class,
      DedupeCommand.class,
      EvalCommand.class,
      CalibrateCommand.class,
      IndexCommand.class,
      PairsCommand.class,
      QuantizeCommand.class,
      PackCommand.class,
      ModelsCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 error, 2 usage error.",
      "Without --model the bundled default model (all-MiniLM-L6-v2 fine-tuned on Quora) is used;"
          + " --model base or --model cascade picks another bundled model (qsim models lists"
          + " them); nothing is downloaded."
    })
public final class QsimCli implements Runnable {
  static {
    configureRuntime();
  }

  private final ModelFactory models;

  @Spec CommandSpec spec;

  /** Creates the command line with the real model loader. */
  public QsimCli() {
    this(ModelFactory.ONNX);
  }

  QsimCli(ModelFactory models) {
    this.models = models;
  }

  ModelFactory models() {
    return models;
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing command: similarity, dedupe, eval, calibrate, index, pairs, quantize, pack or"
            + " models");
  }

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    configureRuntime();
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    LibraryMessages.install(err);
    CommandLine cli = newCommandLine(ModelFactory.ONNX);
    cli.setOut(out);
    cli.setErr(err);
    int code = cli.execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * A configured command line: usage errors exit with 2, errors print their message on one line and
   * exit with 1.
   */
  static CommandLine newCommandLine(ModelFactory models) {
    CommandLine cli = new CommandLine(new QsimCli(models));
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  /**
   * Keeps DJL offline and quiet and AWT headless, unless the user chose otherwise. Runs before any
   * DJL class is loaded.
   */
  static void configureRuntime() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("java.awt.headless", "true");
    // DJL's own usage tracking: its environment variable cannot be set from Java, the property can.
    setIfAbsent("OPT_OUT_TRACKING", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Reads the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = QsimCli.class.getPackage().getImplementationVersion();
      return new String[] {"qsim " + (v == null ? "(development build)" : v)};
    }
  }
}
