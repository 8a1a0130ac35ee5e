package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Precision;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 cache checks what it finds (issue 19, item 3): a truncated encoder, a missing {@code
 * qsim-model.json} or bytes overwritten in the middle are found by the checksums its entries
 * record, and the entry is made again, with one warning, also when several threads load at once.
 */
class Int8CacheRepairTest {
  @TempDir Path tmp;
  private String previous;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger(Int8Cache.class.getName());
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          warnings.add(record.getLevel() + " " + record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Path model;

  @BeforeEach
  void setUp() {
    previous = System.setProperty(Int8Cache.CACHE_PROPERTY, tmp.resolve("cache").toString());
    logger.addHandler(handler);
    model = TinyModel.write(tmp.resolve("tiny"));
  }

  @AfterEach
  void tearDown() {
    logger.removeHandler(handler);
    if (previous == null) {
      System.clearProperty(Int8Cache.CACHE_PROPERTY);
    } else {
      System.setProperty(Int8Cache.CACHE_PROPERTY, previous);
    }
  }

  private float[] embedInt8() {
    try (OnnxQuestionSimilarity int8 =
        OnnxQuestionSimilarity.builder()
            .setModelDirectory(model)
            .optPrecision(Precision.INT8)
            .optThreads(1)
            .build()) {
      assertThat(int8.metadata().precision()).isEqualTo(Precision.INT8);
      return int8.embedAll(List.of("How do I learn Java quickly?")).get(0).vector();
    }
  }

  private Path entry() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("cache").resolve("int8"))) {
      List<Path> dirs = s.filter(Files::isDirectory).toList();
      assertThat(dirs).hasSize(1);
      return dirs.get(0);
    }
  }

  private Path encoder(Path entry) {
    return entry.resolve(ModelMetadata.read(entry.resolve(ModelMetadata.FILE_NAME)).encoderFile());
  }

  @Test
  void aNewEntryRecordsChecksumsAndIsReusedWithoutWarnings() throws IOException {
    float[] first = embedInt8();
    Path entry = entry();
    assertThat(ModelMetadata.read(entry.resolve(ModelMetadata.FILE_NAME)).checksums())
        .containsKeys("model.onnx", "tokenizer.json");
    assertThat(Int8Cache.problem(entry)).isNull();
    assertThat(embedInt8()).containsExactly(first);
    assertThat(warnings).isEmpty();
  }

  @Test
  void aTruncatedEncoderIsMadeAgain() throws IOException {
    float[] good = embedInt8();
    Path entry = entry();
    Path encoder = encoder(entry);
    try (FileChannel c = FileChannel.open(encoder, StandardOpenOption.WRITE)) {
      c.truncate(c.size() / 2);
    }
    assertThat(embedInt8()).containsExactly(good);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).startsWith("WARNING").contains("damaged").contains("model.onnx");
    assertThat(Int8Cache.problem(entry())).isNull();
  }

  @Test
  void anEntryWithoutItsMetadataIsMadeAgain() throws IOException {
    float[] good = embedInt8();
    Files.delete(entry().resolve(ModelMetadata.FILE_NAME));
    assertThat(embedInt8()).containsExactly(good);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("qsim-model.json is missing");
  }

  @Test
  void bytesOverwrittenInTheMiddleAreFoundAndTheEntryIsMadeAgain() throws IOException {
    float[] good = embedInt8();
    Path encoder = encoder(entry());
    try (RandomAccessFile f = new RandomAccessFile(encoder.toFile(), "rw")) {
      f.seek(f.length() / 2);
      f.write(new byte[4096]);
    }
    assertThat(embedInt8()).containsExactly(good);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("damaged").contains(encoder.toString());
  }

  @Test
  void threadsLoadingADamagedEntryAtOnceRepairItOnce() throws Exception {
    float[] good = embedInt8();
    Files.delete(entry().resolve(ModelMetadata.FILE_NAME));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(this::embedInt8));
      }
      for (Future<float[]> r : results) {
        assertThat(r.get()).containsExactly(good);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(warnings).hasSize(1);
    assertThat(Int8Cache.problem(entry())).isNull();
  }
}
