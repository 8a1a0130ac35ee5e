package dev.qsim.training;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The siamese training objectives {@link SiameseTrainer} can optimise. Distances are cosine
 * distances {@code 1 - cos(u, v)} of the two embeddings of a pair. Immutable and thread-safe.
 */
public enum PairLoss {
  /**
   * Contrastive loss (Hadsell et al. 2006): {@code y d² + (1 - y) max(0, margin - d)²}, halved and
   * averaged over the batch. Binary labels.
   */
  CONTRASTIVE("contrastive"),
  /**
   * Online contrastive loss: the contrastive terms of the batch's hard pairs only — duplicates
   * farther apart than the closest non-duplicate, and non-duplicates closer than the farthest
   * duplicate — summed. Binary labels.
   */
  ONLINE_CONTRASTIVE("online-contrastive"),
  /**
   * Mean squared error between {@code cos(u, v)} and the label scaled to [0, 1] (STS-B's 0–5 scores
   * / 5).
   */
  COSINE_MSE("cosine-mse"),
  /**
   * Multiple negatives ranking (in-batch softmax): each duplicate pair's first question must pick
   * its own second question among the batch's second questions (and vice versa), scores {@code 20
   * cos}. Uses duplicate pairs only.
   */
  MNRL("mnrl"),
  /**
   * A softmax classifier over {@code [u, v, |u - v|, u * v]} (a {@link PairHead}) trained jointly
   * with the encoder by cross-entropy, on both orders of every pair. Exported as {@code
   * pair-head.json}. Binary labels.
   */
  SOFTMAX_HEAD("softmax-head"),
  /**
   * Binary cross-entropy of a cross-encoder's logit (one per pair, both questions read in one
   * sequence) against the label; the loss of {@code --encoder cross-minilm}. Binary labels.
   */
  BINARY_CROSS_ENTROPY("binary-cross-entropy");

  private final String id;

  PairLoss(String id) {
    this.id = id;
  }

  /**
   * The command-line id, e.g. {@code online-contrastive}.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Whether this loss trains a {@link PairHead}.
   *
   * @return {@code true} for {@link #SOFTMAX_HEAD}
   */
  public boolean trainsHead() {
    return this == SOFTMAX_HEAD;
  }

  /**
   * Looks a loss up by its id (case-insensitive).
   *
   * @param id the id, e.g. {@code mnrl}
   * @return the loss
   * @throws IllegalArgumentException naming the id and the known ids if there is none
   */
  public static PairLoss fromId(String id) {
    for (PairLoss loss : values()) {
      if (loss.id.equals(id.toLowerCase(Locale.ROOT))) {
        return loss;
      }
    }
    throw new IllegalArgumentException(
        "Unknown loss '"
            + id
            + "'; expected one of "
            + Arrays.stream(values()).map(PairLoss::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}
