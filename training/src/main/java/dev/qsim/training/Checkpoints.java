package dev.qsim.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qsim.io.AtomicDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Training checkpoints: {@code checkpoint-<step>/} directories holding {@code parameters.ndlist}
 * (every encoder and head parameter, trainable or not), {@code optimizer.ndlist} (AdamW step count
 * and moments), {@code best.ndlist} (the best epoch's parameters) and {@code state.json} (epoch,
 * position in the epoch, step, skipped steps, best epoch and score, per-epoch losses, settings).
 * Each is written by {@link AtomicDirectories} (a temporary sibling, forced to disk and renamed
 * into place); the two newest are kept. Not restored: the dev metrics of epochs before the resume
 * (their losses are) and the wall clock.
 *
 * <p>Not thread-safe.
 */
final class Checkpoints {
  private static final String PREFIX = "checkpoint-";
  private static final int KEEP = 2;
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /** Half-written checkpoints of earlier versions; now {@link AtomicDirectories}' temporaries. */
  private static final String TEMP_PREFIX = ".tmp-";

  private static final String DELETING_PREFIX = ".del-";

  private final Path directory;
  private JsonObject trainingData;
  private boolean ignoreDataChange;

  Checkpoints(Path directory) {
    this.directory = directory;
  }

  /**
   * Records which training data the checkpoints belong to; {@link #loadLatest} refuses a checkpoint
   * of other data unless {@code ignoreDataChange}.
   *
   * @param data {@code files}, {@code pairs} and {@code sha256} of the training pairs
   * @param ignoreDataChange resume even when the data differ
   */
  void trainingData(JsonObject data, boolean ignoreDataChange) {
    this.trainingData = data;
    this.ignoreDataChange = ignoreDataChange;
  }

  Path directory() {
    return directory;
  }

  /**
   * Removes what a killed run leaves here: half-written checkpoints ({@code .checkpoint-*.tmp-*},
   * and {@code .tmp-*} of earlier versions), half-deleted ones ({@code .del-*}) and checkpoint
   * directories without their {@code state.json}.
   *
   * @return how many were removed
   */
  int removeStale() {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        boolean stale =
            name.startsWith(TEMP_PREFIX)
                || (name.startsWith("." + PREFIX) && name.contains(".tmp-"))
                || name.startsWith(DELETING_PREFIX)
                || (name.startsWith(PREFIX) && !Files.isRegularFile(p.resolve("state.json")));
        if (stale) {
          AtomicDirectories.deleteRecursively(p);
          removed++;
        }
      }
    } catch (IOException e) {
      throw new TrainingException("Cannot clean the checkpoint directory " + directory, e);
    }
    return removed;
  }

  /** Where a run is; mutated by the trainer as it goes. */
  static final class State {
    int epoch;
    int batchInEpoch;
    long step;
    long skipped;
    double epochLossSum;
    int epochLossCount;
    int bestEpoch;
    double bestScore = Double.NaN;
    List<TrainingResult.EpochReport> reports = new ArrayList<>();
  }

  record Loaded(Path directory, State state, byte[][] best) {}

  static List<Parameter> parameters(SiameseTrainer trainer) {
    List<Parameter> params = new ArrayList<>(trainer.encoder().block().getParameters().values());
    if (trainer.head() != null) {
      params.addAll(trainer.head().block().getParameters().values());
    }
    return params;
  }

  /** The current parameter values, encoded. */
  static byte[][] snapshot(SiameseTrainer trainer) {
    return new byte[][] {snapshotOf(parameters(trainer))};
  }

  /** The values of some parameters, encoded as one NDList. */
  static byte[] snapshotOf(Iterable<Parameter> parameters) {
    NDList list = new NDList();
    for (Parameter p : parameters) {
      list.add(p.getArray());
    }
    return list.encode();
  }

  /** Copies encoded values back into the parameters, in place. */
  static void restore(SiameseTrainer trainer, byte[][] snapshot) {
    restoreInto(trainer.manager(), parameters(trainer), snapshot[0]);
  }

  /** Copies values encoded by {@link #snapshotOf} back into the parameters, in place. */
  static void restoreInto(NDManager manager, Iterable<Parameter> parameters, byte[] snapshot) {
    List<Parameter> params = new ArrayList<>();
    parameters.forEach(params::add);
    try (NDManager scope = manager.newSubManager()) {
      NDList saved = NDList.decode(scope, snapshot);
      if (saved.size() != params.size()) {
        throw new TrainingException(
            "Checkpoint holds " + saved.size() + " parameters, the model has " + params.size());
      }
      for (int i = 0; i < params.size(); i++) {
        NDArray target = params.get(i).getArray();
        NDArray value = saved.get(i);
        if (!target.getShape().equals(value.getShape())) {
          throw new TrainingException(
              "Checkpoint parameter "
                  + params.get(i).getName()
                  + " has shape "
                  + value.getShape()
                  + ", the model expects "
                  + target.getShape());
        }
        target.set(value.toByteBuffer());
      }
    }
  }

  void save(
      SiameseTrainer trainer,
      State state,
      List<TrainingResult.EpochReport> reports,
      byte[][] best) {
    Path target = directory.resolve(String.format("%s%09d", PREFIX, state.step));
    byte[] optimizerState;
    try (NDManager scope = trainer.manager().newSubManager()) {
      optimizerState = trainer.optimizer().state(scope).encode();
    }
    String stateText = GSON.toJson(stateJson(trainer, state, reports, trainingData));
    AtomicDirectories.deleteRecursively(target);
    AtomicDirectories.writeDirectory(
        target,
        "checkpoint",
        temp -> {
          Files.write(temp.resolve("parameters.ndlist"), snapshot(trainer)[0]);
          Files.write(temp.resolve("optimizer.ndlist"), optimizerState);
          if (best != null) {
            Files.write(temp.resolve("best.ndlist"), best[0]);
          }
          Files.writeString(temp.resolve("state.json"), stateText, StandardCharsets.UTF_8);
        });
    try {
      prune();
    } catch (IOException e) {
      throw new TrainingException("Cannot prune the checkpoints in " + directory, e);
    }
  }

  private void checkSameData(Path dir, JsonObject json) {
    JsonElement saved = json.get("training_data");
    if (trainingData == null || saved == null || !saved.isJsonObject()) {
      return;
    }
    String savedHash = saved.getAsJsonObject().get("sha256").getAsString();
    String hash = trainingData.get("sha256").getAsString();
    if (savedHash.equals(hash) || ignoreDataChange) {
      return;
    }
    throw new TrainingException(
        "Cannot resume from "
            + dir
            + ": it was trained on "
            + describe(saved.getAsJsonObject())
            + ", this run reads "
            + describe(trainingData)
            + ". Resume with the same --train files and --limit, or pass --force-resume to"
            + " continue on the new data.");
  }

  private static String describe(JsonObject data) {
    return data.get("files")
        + " ("
        + data.get("pairs").getAsLong()
        + " pairs, sha256 "
        + data.get("sha256").getAsString().substring(0, 12)
        + ")";
  }

  /** A number that may be null or absent (Gson omits nulls), as NaN. */
  static double optDouble(JsonObject json, String key) {
    JsonElement e = json.get(key);
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }

  private static JsonObject stateJson(
      SiameseTrainer trainer,
      State state,
      List<TrainingResult.EpochReport> reports,
      JsonObject data) {
    JsonObject json = new JsonObject();
    json.addProperty("format_version", 1);
    json.addProperty("epoch", state.epoch);
    json.addProperty("batch_in_epoch", state.batchInEpoch);
    json.addProperty("step", state.step);
    json.addProperty("skipped_steps", state.skipped);
    json.addProperty("epoch_loss_sum", state.epochLossSum);
    json.addProperty("epoch_loss_count", state.epochLossCount);
    json.addProperty("best_epoch", state.bestEpoch);
    json.addProperty("best_score", Double.isNaN(state.bestScore) ? null : state.bestScore);
    JsonArray epochs = new JsonArray();
    for (TrainingResult.EpochReport r : reports) {
      JsonObject e = new JsonObject();
      e.addProperty("epoch", r.epoch());
      e.addProperty("step", r.step());
      e.addProperty("mean_loss", Double.isNaN(r.meanLoss()) ? null : r.meanLoss());
      epochs.add(e);
    }
    json.add("epochs", epochs);
    JsonObject settings = new JsonObject();
    for (Map.Entry<String, Object> entry : trainer.config().asMap().entrySet()) {
      settings.addProperty(entry.getKey(), String.valueOf(entry.getValue()));
    }
    json.add("settings", settings);
    if (data != null) {
      json.add("training_data", data);
    }
    return json;
  }

  /** The newest complete checkpoint, or {@code null} if there is none. */
  Path latest() {
    List<Path> all = list();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  private List<Path> list() {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return found;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, PREFIX + "*")) {
      for (Path p : stream) {
        if (Files.isRegularFile(p.resolve("state.json"))) {
          found.add(p);
        }
      }
    } catch (IOException e) {
      throw new TrainingException("Cannot list checkpoints in " + directory, e);
    }
    found.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return found;
  }

  /**
   * Deletes all but the newest {@value #KEEP}: each is first renamed to {@code .del-*} in one step,
   * so that a run killed while deleting leaves no half checkpoint that looks complete, and {@link
   * #removeStale} finishes the job.
   */
  private void prune() throws IOException {
    List<Path> all = list();
    for (int i = 0; i < all.size() - KEEP; i++) {
      Path doomed = all.get(i).resolveSibling(DELETING_PREFIX + all.get(i).getFileName());
      AtomicDirectories.deleteRecursively(doomed);
      Files.move(all.get(i), doomed, StandardCopyOption.ATOMIC_MOVE);
      AtomicDirectories.deleteRecursively(doomed);
    }
  }

  /** Restores the newest checkpoint into the trainer; {@code null} if there is none. */
  Loaded loadLatest(SiameseTrainer trainer) {
    Path dir = latest();
    if (dir == null) {
      return null;
    }
    Path stateFile = dir.resolve("state.json");
    try {
      JsonObject json =
          JsonParser.parseString(Files.readString(stateFile, StandardCharsets.UTF_8))
              .getAsJsonObject();
      JsonObject settings = json.getAsJsonObject("settings");
      Map<String, Object> now = trainer.config().asMap();
      for (String key : new String[] {"loss", "batch_size", "seed", "epochs"}) {
        String saved = settings.get(key).getAsString();
        if (!saved.equals(String.valueOf(now.get(key)))) {
          throw new TrainingException(
              "Cannot resume from "
                  + dir
                  + ": it was trained with "
                  + key
                  + "="
                  + saved
                  + ", this run has "
                  + key
                  + "="
                  + now.get(key));
        }
      }
      checkSameData(dir, json);
      restore(trainer, new byte[][] {Files.readAllBytes(dir.resolve("parameters.ndlist"))});
      try (NDManager scope = trainer.manager().newSubManager()) {
        trainer
            .optimizer()
            .restore(NDList.decode(scope, Files.readAllBytes(dir.resolve("optimizer.ndlist"))));
      }
      Path bestFile = dir.resolve("best.ndlist");
      byte[][] best = Files.exists(bestFile) ? new byte[][] {Files.readAllBytes(bestFile)} : null;
      State state = new State();
      state.epoch = json.get("epoch").getAsInt();
      state.batchInEpoch = json.get("batch_in_epoch").getAsInt();
      state.step = json.get("step").getAsLong();
      state.skipped = json.get("skipped_steps").getAsLong();
      state.epochLossSum = json.get("epoch_loss_sum").getAsDouble();
      state.epochLossCount = json.get("epoch_loss_count").getAsInt();
      state.bestEpoch = json.get("best_epoch").getAsInt();
      // Gson leaves out null members: a NaN best score (no dev pairs, or within the first epoch)
      // is written as null and therefore absent.
      state.bestScore = optDouble(json, "best_score");
      for (var element : json.getAsJsonArray("epochs")) {
        JsonObject e = element.getAsJsonObject();
        state.reports.add(
            new TrainingResult.EpochReport(
                e.get("epoch").getAsInt(),
                e.get("step").getAsLong(),
                optDouble(e, "mean_loss"),
                null));
      }
      return new Loaded(dir, state, best);
    } catch (IOException | RuntimeException e) {
      if (e instanceof TrainingException) {
        throw (TrainingException) e;
      }
      throw new TrainingException(
          "Cannot resume from checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }
}
