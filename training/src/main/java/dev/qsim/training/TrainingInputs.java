package dev.qsim.training;

import dev.qsim.data.DataPart;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairDataset;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.PairSelection;
import dev.qsim.data.ReadOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The labelled pairs of one {@code qsim-train} run: training files (each in its format), dev pairs
 * and optional calibration pairs, read with the run's options, each file described for the report
 * and the provenance. Immutable after {@link #read}; not meant to be shared between threads.
 */
final class TrainingInputs {
  final List<PairDataset> trainSets = new ArrayList<>();

  /** How each of {@link #trainSets} was read. */
  final List<PairSelection> trainSelections = new ArrayList<>();

  final List<LabelledPair> train = new ArrayList<>();
  final PairDataset devSet;
  final PairDataset calibrationSet;
  final boolean graded;

  private TrainingInputs(PairDataset devSet, PairDataset calibrationSet, boolean graded) {
    this.devSet = devSet;
    this.calibrationSet = calibrationSet;
    this.graded = graded;
  }

  /**
   * Reads every file the options name, printing one line per file to {@code err} and a warning when
   * a training file is sorted by label and {@code --limit} took only its first rows.
   */
  static TrainingInputs read(TrainOptions o, PrintStream err) {
    PairDataset devSet =
        o.dev == null
            ? null
            : read(o, o.dev, PairSelection.all(format(o.dev, o.devFormat)), o.devLimit, err);
    PairDataset calibrationSet =
        o.calibrate == null
            ? null
            : read(
                o,
                o.calibrate,
                PairSelection.all(format(o.calibrate, o.calibrateFormat)),
                null,
                err);
    List<PairSelection> selections = new ArrayList<>();
    for (TrainOptions.TrainFile f : o.trainFiles) {
      selections.add(f.selection());
    }
    TrainingInputs inputs = new TrainingInputs(devSet, calibrationSet, selections.get(0).graded());
    for (int i = 0; i < o.trainFiles.size(); i++) {
      Path file = o.trainFiles.get(i).file;
      PairDataset set = read(o, file, selections.get(i), o.limit, err);
      inputs.trainSets.add(set);
      inputs.trainSelections.add(selections.get(i));
      inputs.train.addAll(set.pairs());
      if (o.limit != null && sortedByLabel(set.pairs())) {
        err.printf(
            Locale.ROOT,
            "warning: the first %d rows of %s are sorted by label (%s); the trainer shuffles"
                + " them, but --limit took the top of the file, not a sample of it%n",
            set.size(),
            file,
            oneClass(set.pairs()) ? "all one label" : "in label order");
      }
    }
    return inputs;
  }

  List<LabelledPair> dev() {
    return devSet == null ? List.of() : devSet.pairs();
  }

  List<LabelledPair> calibration() {
    return calibrationSet == null ? List.of() : calibrationSet.pairs();
  }

  /** Whether the labels never go down, or never go up (one class counts as sorted). */
  static boolean sortedByLabel(List<LabelledPair> pairs) {
    boolean up = true;
    boolean down = true;
    for (int i = 1; i < pairs.size(); i++) {
      double a = pairs.get(i - 1).label();
      double b = pairs.get(i).label();
      up &= b >= a;
      down &= b <= a;
    }
    return pairs.size() > 1 && (up || down);
  }

  private static boolean oneClass(List<LabelledPair> pairs) {
    return pairs.stream().mapToDouble(LabelledPair::label).distinct().count() <= 1;
  }

  /** The format {@code id} names, else the one {@code file}'s extension implies. */
  static PairFormat format(Path file, String id) {
    if (id != null) {
      return PairFormat.fromId(id);
    }
    String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (fileName.endsWith(".csv")) {
      return PairFormat.QUORA;
    }
    if (fileName.endsWith(".tsv")) {
      return PairFormat.BIMPM;
    }
    throw new IllegalArgumentException(
        "Cannot tell the format of " + file + " from its extension: pass --format");
  }

  private static PairDataset read(
      TrainOptions o, Path file, PairSelection selection, Integer max, PrintStream err) {
    ReadOptions options = ReadOptions.defaults().withSkipBadRows(o.skipBadRows);
    if (max != null) {
      options = options.withLimit(max);
    }
    PairFormat format = selection.format();
    PairDataset set = PairReader.read(file, format, selection.applyTo(options));
    err.printf(
        Locale.ROOT,
        "Read %d pairs (%s) from %s as %s%s%s%n",
        set.size(),
        selection.graded()
            ? String.format(Locale.ROOT, "mean score %.2f", mean(set.labels()))
            : set.duplicates() + " duplicates",
        file,
        format.id(),
        selection.describe(),
        set.skippedRows() > 0
            ? "; skipped " + set.skippedRows() + " bad rows, first: " + set.skipReasons()
            : "");
    return set;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return values.length == 0 ? Double.NaN : sum / values.length;
  }

  /** A data set as the provenance records it. */
  static Map<String, Object> describe(PairDataset set) {
    return describe(set, PairSelection.all(set.format()));
  }

  /** A data set as the provenance records it, with the part and binarisation it was read with. */
  static Map<String, Object> describe(PairDataset set, PairSelection selection) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", set.source());
    m.put("format", set.format().id());
    if (selection.part() != DataPart.ALL) {
      m.put("part", selection.part().id());
    }
    if (selection.binarize() != null) {
      m.put("binarized", selection.binarize().strip());
    }
    m.put("pairs", set.size());
    if (!selection.graded()) {
      m.put("duplicates", set.duplicates());
    }
    m.put("skipped_rows", set.skippedRows());
    return m;
  }

  /** The metrics key of a data file: its folder and stem, e.g. {@code quora-dev}. */
  static String datasetName(Path file) {
    String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    Path parent = file.toAbsolutePath().normalize().getParent();
    return parent == null || parent.getFileName() == null
        ? stem
        : parent.getFileName() + "-" + stem;
  }
}
