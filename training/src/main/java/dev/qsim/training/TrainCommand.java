package dev.qsim.training;

import com.google.gson.GsonBuilder;
import dev.qsim.ProgressListener;
import dev.qsim.QsimException;
import dev.qsim.io.AtomicFiles;
import dev.qsim.io.TextProgress;
import dev.qsim.training.minilm.CrossMiniLmEncoder;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The training command line, {@code qsim-train} ({@code java -jar training/target/qsim-train.jar}),
 * the one entry point of the training module: reads labelled pairs ({@link TrainingInputs}), trains
 * an encoder with {@link SiameseTrainer} (every encoder, the frozen one under a new pair head
 * included, runs through the same loop), writes the model directory with {@link ModelExporter}
 * (which refuses a model that diverged or cannot decide, {@link ExportChecks}) and prints a report:
 * the same path as a Java caller's. Run it with {@code OMP_WAIT_POLICY=PASSIVE} in the environment.
 * Not thread-safe; one run per instance.
 */
@Command(
    name = "qsim-train",
    mixinStandardHelpOptions = true,
    version = "qsim-train 0.1.0",
    sortOptions = false,
    description = {
      "Trains a siamese question encoder with DJL (PyTorch, offline) and writes a qsim model"
          + " directory.",
      "Checkpoints go to <out>.checkpoints/; --resume continues from the latest one there."
    })
public final class TrainCommand implements Callable<Integer> {
  @Mixin TrainOptions options = new TrainOptions();

  private final PrintStream err;
  private final PrintStream stdout;
  private final List<String> arguments = new ArrayList<>();

  /** Creates a command printing to the process's streams. */
  public TrainCommand() {
    this(System.out, System.err);
  }

  TrainCommand(PrintStream out, PrintStream err) {
    this.stdout = out;
    this.err = err;
  }

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments; {@code --help} lists them
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs without exiting; returns the exit status (0 success, 1 training or data error, 2 usage
   * error).
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    pinEngineThreads();
    SiameseTrainer.configureEngine();
    TrainCommand command = new TrainCommand(out, err);
    command.arguments.addAll(List.of(args));
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof QsimException || e instanceof IllegalArgumentException) {
            err.println("qsim-train: " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }

  /**
   * Pins PyTorch to two intra-op threads and one inter-op thread unless the system properties
   * {@code ai.djl.pytorch.num_threads} and {@code ai.djl.pytorch.num_interop_threads} say
   * otherwise: two PyTorch jobs on two cores otherwise busy-wait each other (also export {@code
   * OMP_WAIT_POLICY=PASSIVE}). The application's choice, made once before the engine starts: DJL
   * reads these properties when it loads PyTorch, whose thread pools are process-wide, so they
   * cannot be set per training run.
   */
  static void pinEngineThreads() {
    System.getProperties().putIfAbsent("ai.djl.pytorch.num_threads", "2");
    System.getProperties().putIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
  }

  @Override
  public Integer call() {
    TrainOptions o = options;
    o.check();
    TextProgress bar = o.quiet ? null : progressBar(err);
    ProgressListener listener = bar == null ? ProgressListener.NONE : bar;
    PrintStream progress = bar == null ? null : messagesAbove(bar);
    try (TrainOutput output = TrainOutput.prepare(o.out, err)) {
      TrainingInputs data = TrainingInputs.read(o, err);
      TrainingConfig config = o.config(data.graded);
      try (QuestionTokenizer tokenizer = QuestionTokenizer.bundled(o.maxLength);
          TrainableEncoder encoder = o.createEncoder(tokenizer, listener);
          SiameseTrainer trainer =
              new SiameseTrainer(encoder, tokenizer, config)
                  .progressTo(progress)
                  .reportTo(listener)) {
        trainer.checkpointTo(output.checkpointDirectory(), o.resume, o.forceResume);
        TrainingResult result = trainer.train(data.train, data.dev(), data.calibration());
        ModelExporter exporter = ModelExporter.of(trainer, result);
        Map<String, Object> provenance = provenance(data, config, encoder, result);
        exporter
            .name(o.name != null ? o.name : output.out().getFileName().toString())
            .provenance(provenance)
            .calibratedOn(calibratedOn());
        if (result.dev() != null) {
          exporter.metrics(TrainingInputs.datasetName(o.dev), result.dev().asMap());
        }
        Path written = exporter.export(output.out());
        if (trainer.head() != null && o.pairHeadFile != null) {
          writePairHeadFile(trainer.head(), result, provenance);
        }
        TrainingReport.print(
            stdout,
            result,
            o.calibrate == null ? "the training pairs" : "the " + o.calibrate.getFileName(),
            written,
            encoder.readsPairs());
      }
    }
    return 0;
  }

  private String calibratedOn() {
    return options.calibrate == null ? "the training pairs" : options.calibrate.toString();
  }

  /**
   * The provenance of every model {@code qsim-train} writes (one schema; docs/training.md): who and
   * what trained it, when, on which data, with which settings, and how the run went.
   */
  private Map<String, Object> provenance(
      TrainingInputs data, TrainingConfig config, TrainableEncoder encoder, TrainingResult result) {
    TrainOptions o = options;
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("trained_by", "qsim-train (DJL PyTorch)");
    p.put("command", "qsim-train " + String.join(" ", arguments));
    p.put("trained_at", Instant.now().toString());
    p.put("encoder", o.encoder);
    if (encoder instanceof CrossMiniLmEncoder cross) {
      p.put("base_model", cross.baseModel());
    }
    if (encoder instanceof FrozenEncoder frozen) {
      p.put("base_model", frozen.base().name());
      if (o.baseModel != null) {
        p.put("base_model_provenance", frozen.base().provenance());
      }
    }
    Map<String, Object> settings = new LinkedHashMap<>(config.asMap());
    settings.putAll(o.encoderSettings());
    if (encoder instanceof FrozenEncoder frozen) {
      // The frozen encoder embeds at its own maximum length, not --max-length.
      settings.put("max_length", frozen.base().maxSequenceLength());
    }
    p.put("settings", settings);
    List<Map<String, Object>> train = new ArrayList<>();
    for (int i = 0; i < data.trainSets.size(); i++) {
      train.add(TrainingInputs.describe(data.trainSets.get(i), data.trainSelections.get(i)));
    }
    p.put("training_data", train);
    if (data.devSet != null) {
      p.put("dev_data", TrainingInputs.describe(data.devSet));
    }
    p.put(
        "thresholds_calibrated_on",
        data.calibrationSet == null
            ? "the training pairs"
            : TrainingInputs.describe(data.calibrationSet));
    if (!Double.isNaN(result.candidateThreshold())) {
      p.put(
          "candidate_threshold",
          "cosine similarity above which 99% of the calibration pairs that the pair head accepts"
              + " lie (at most the similarity threshold), as qsim calibrate computes it");
    }
    p.put("duplicate_rule", "label >= " + config.labelMax() / 2);
    p.put("steps", result.steps());
    p.put("skipped_non_finite_steps", result.skippedSteps());
    p.put("best_epoch", result.bestEpoch());
    p.put("training_seconds", Math.round(result.seconds()));
    return p;
  }

  /**
   * The one progress renderer on {@code err}: redrawn in place on a terminal, else a line per
   * tenth.
   */
  private static TextProgress progressBar(PrintStream err) {
    PrintWriter writer = new PrintWriter(err);
    return System.console() != null ? new TextProgress(writer, true) : TextProgress.lines(writer);
  }

  /** {@code err} for the trainer's messages, each starting below the progress bar's line. */
  private PrintStream messagesAbove(TextProgress bar) {
    return new PrintStream(
        new FilterOutputStream(err) {
          @Override
          public void write(int b) throws IOException {
            bar.finish();
            out.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            bar.finish();
            out.write(b, off, len);
          }
        },
        true);
  }

  /** {@code --pair-head-file}: the head, and beside it {@code pair-head-info.json}. */
  private void writePairHeadFile(
      PairHead head, TrainingResult result, Map<String, Object> provenance) {
    Path headFile = options.pairHeadFile.toAbsolutePath();
    try {
      Files.createDirectories(headFile.getParent());
      head.write(headFile);
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("pair_head_file", headFile.getFileName().toString());
      info.put("pair_head_threshold", result.headThreshold());
      info.put(
          "pair_head_threshold_calibration",
          "midpoint threshold with the best balanced accuracy on " + calibratedOn());
      info.put("calibration_balanced_accuracy", result.headCalibrationBalancedAccuracy());
      info.put("similarity_threshold_same_data", result.similarityThreshold());
      info.put("hidden_units", head.hidden());
      if (result.dev() != null) {
        info.put("metrics", Map.of(TrainingInputs.datasetName(options.dev), result.dev().asMap()));
      }
      info.putAll(provenance);
      String json =
          new GsonBuilder()
              .setPrettyPrinting()
              .disableHtmlEscaping()
              .serializeSpecialFloatingPointValues()
              .create()
              .toJson(info);
      AtomicFiles.writeText(
          headFile.resolveSibling("pair-head-info.json"), "pair head info", w -> w.write(json));
    } catch (IOException e) {
      throw new TrainingException("Cannot write " + headFile + ": " + e.getMessage(), e);
    }
  }
}
