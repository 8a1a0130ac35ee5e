package dev.qsim.data;

import java.util.Locale;
import java.util.Objects;

/**
 * The layouts of labelled-pair files that {@link PairReader} reads. All are UTF-8; a byte order
 * mark is dropped and lines may end in {@code \n} or {@code \r\n} in every format.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum PairFormat {
  /**
   * The Quora Question Pairs release: CSV with the header {@code
   * id,qid1,qid2,question1,question2,is_duplicate} (columns found by name), RFC 4180 quoting
   * (commas, doubled quotes and line breaks inside quoted fields). Label {@code is_duplicate}, 0 or
   * 1.
   */
  QUORA("quora", false),

  /**
   * The BiMPM (Wang et al. 2017) Quora partition and files in the same layout: TSV without header,
   * four columns {@code label, question1, question2, id}, no quoting. Label 0 or 1. The partition's
   * text is in Penn Treebank tokens ({@code -LRB-}, {@code do n't}, {@code `` ''}, a blank before
   * punctuation); the reader restores plain text, as users write it and as the Quora release has
   * it. Plain text in this layout passes through unchanged (apart from blanks before punctuation).
   */
  BIMPM("bimpm", false),

  /**
   * The STS Benchmark: TSV without header, no quoting, columns {@code genre, file, year, id, score,
   * sentence1, sentence2}; rows with two extra trailing source columns are accepted and the extras
   * ignored. Label: the score, from 0 to 5.
   */
  STSB("stsb", true),

  /**
   * The Microsoft Research Paraphrase Corpus: TSV with the header {@code Quality, #1 ID, #2 ID, #1
   * String, #2 String}, no quoting. Label {@code Quality}, 0 or 1.
   */
  MSRP("msrp", false),

  /**
   * Any delimited file with a header row: the columns of the two questions and of the label are
   * named in {@link ReadOptions} (by default {@code question1}, {@code question2} and {@code label}
   * or else {@code is_duplicate}). The delimiter is a tab for files ending in {@code .tsv} or
   * {@code .tab} and a comma otherwise, unless {@link ReadOptions#withDelimiter(char)} says
   * otherwise; RFC 4180 quoting is on unless {@link ReadOptions#withQuoting(boolean)} turns it off.
   * The label may be any finite number.
   */
  CSV("csv", false);

  private final String id;
  private final boolean graded;

  PairFormat(String id, boolean graded) {
    this.id = id;
    this.graded = graded;
  }

  /**
   * The name used on the command line: {@code quora}, {@code bimpm}, {@code stsb}, {@code msrp} or
   * {@code csv}.
   *
   * @return this format's stable lower-case name
   */
  public String id() {
    return id;
  }

  /**
   * Whether labels are graded scores (STS-B, 0–5) rather than binary duplicate labels.
   *
   * @return {@code true} only for {@link #STSB}
   */
  public boolean graded() {
    return graded;
  }

  /**
   * Looks a format up by its {@link #id()} or constant name, case-insensitively.
   *
   * @param name {@code quora}, {@code bimpm}, {@code stsb}, {@code msrp} or {@code csv}
   * @return the format
   * @throws IllegalArgumentException if no format has that name; the message lists the valid names
   */
  public static PairFormat fromId(String name) {
    Objects.requireNonNull(name, "name");
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (PairFormat f : values()) {
      if (f.id.equals(wanted)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "Unknown pair format '" + name + "': expected one of quora, bimpm, stsb, msrp, csv");
  }
}
