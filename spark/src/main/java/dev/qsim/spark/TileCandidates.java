package dev.qsim.spark;

import dev.qsim.SearchMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The candidate stage of {@link SparkDuplicateFinder}: questions into k-means buckets ({@link
 * CandidateBuckets}), each bucket cut into blocks of at most {@code blockRows} rows, and each pair
 * of blocks (a tile) compared and scored on an executor ({@link TileSearch}).
 *
 * <p>Immutable and thread-safe.
 */
final class TileCandidates {
  private static final Logger LOG = LoggerFactory.getLogger(TileCandidates.class);

  /** Questions assigned to their buckets per matrix product. */
  private static final int ASSIGN_CHUNK = 4096;

  private final ModelSpec spec;
  private final SearchMode search;
  private final int buckets;
  private final int probes;
  private final int blockRows;
  private final long seed;

  /**
   * @param spec the model that scores
   * @param search the search mode ({@code AUTO} picks by size as the SDK does)
   * @param buckets the bucket count of the approximate search, or 0 to pick it by size
   * @param probes the nearest buckets each question goes to
   * @param blockRows the most rows of one block of a tile
   * @param seed the k-means seed
   */
  TileCandidates(
      ModelSpec spec, SearchMode search, int buckets, int probes, int blockRows, long seed) {
    this.spec = spec;
    this.search = search;
    this.buckets = buckets;
    this.probes = probes;
    this.blockRows = blockRows;
    this.seed = seed;
  }

  /**
   * Every candidate pair (similarity at least the candidate threshold) with its similarity and
   * decision score: columns {@code first, second, similarity, score}; cached.
   */
  Dataset<Row> candidates(Dataset<Row> embedded, int n, ResolvedDecision decision) {
    long t0 = System.nanoTime();
    SearchMode mode = search.forSize(n);
    int k =
        mode == SearchMode.EXACT
            ? 1
            : buckets > 0
                ? buckets
                : Math.max(
                    2,
                    (int)
                        Math.round((double) n / SparkDuplicateFinder.DEFAULT_QUESTIONS_PER_BUCKET));
    CandidateBuckets bucketing = CandidateBuckets.train(embedded, n, k, probes, seed);
    LOG.info(
        "{} search: {} buckets in {} s", mode, bucketing.count(), SparkDuplicateFinder.seconds(t0));
    t0 = System.nanoTime();
    JavaRDD<BucketEntry> entries =
        entries(embedded, bucketing).persist(StorageLevel.MEMORY_AND_DISK());
    Map<Integer, Long> sizes =
        entries.flatMap(e -> Arrays.stream(e.buckets()).boxed().iterator()).countByValue();
    int[] blocks = new int[bucketing.count()];
    int tiles = 0;
    for (int b = 0; b < blocks.length; b++) {
      long size = sizes.getOrDefault(b, 0L);
      blocks[b] = (int) Math.max(1, (size + blockRows - 1) / blockRows);
      tiles += blocks[b] * (blocks[b] + 1) / 2;
    }
    Broadcast<int[]> blocksPerBucket = JavaSparkContexts.of(embedded).broadcast(blocks);
    JavaPairRDD<TileKey, BucketEntry> toTiles =
        entries.flatMapToPair(
            e -> {
              List<Tuple2<TileKey, BucketEntry>> out = new ArrayList<>();
              int[] bb = blocksPerBucket.value();
              for (int bucket : e.buckets()) {
                int count = bb[bucket];
                int x = Math.floorMod(mix(e.index(), bucket), count);
                BucketEntry placed =
                    new BucketEntry(e.index(), e.question(), e.vector(), e.buckets(), x);
                for (int y = 0; y < count; y++) {
                  out.add(
                      new Tuple2<>(new TileKey(bucket, Math.min(x, y), Math.max(x, y)), placed));
                }
              }
              return out.iterator();
            });
    JavaRDD<Row> scored =
        toTiles
            .groupByKey(new HashPartitioner(Math.max(1, Math.min(tiles, 100_000))))
            .flatMap(new TileSearch(spec, decision))
            .map(p -> RowFactory.create(p.first(), p.second(), p.similarity(), p.score()));
    Dataset<Row> out =
        embedded
            .sparkSession()
            .createDataFrame(scored, SparkDuplicates.PAIR_SCHEMA)
            .persist(StorageLevel.MEMORY_AND_DISK());
    long count = out.count();
    entries.unpersist(false);
    LOG.info(
        "{} tiles searched and scored in {} s: {} candidates",
        tiles,
        SparkDuplicateFinder.seconds(t0),
        count);
    return out;
  }

  /**
   * Each embedded question ({@code qsim_index, question, qsim_vector}) with its buckets, assigned
   * in chunks (one matrix product each).
   */
  static JavaRDD<BucketEntry> entries(Dataset<Row> embedded, CandidateBuckets bucketing) {
    return embedded
        .javaRDD()
        .mapPartitions(
            rows ->
                Chunks.map(
                    rows,
                    ASSIGN_CHUNK,
                    chunk -> {
                      List<float[]> vectors = new ArrayList<>(chunk.size());
                      for (Row r : chunk) {
                        vectors.add(QuestionMatcher.floats(r.getAs(2)));
                      }
                      int[][] buckets = bucketing.assign(vectors);
                      List<BucketEntry> out = new ArrayList<>(chunk.size());
                      for (int i = 0; i < buckets.length; i++) {
                        Row r = chunk.get(i);
                        out.add(
                            new BucketEntry(
                                r.getInt(0), r.getString(1), vectors.get(i), buckets[i], 0));
                      }
                      return out;
                    }));
  }

  private static int mix(int index, int bucket) {
    int h = index * 0x9E3779B1 + bucket * 0x85EBCA77;
    return h ^ (h >>> 15);
  }
}
