/**
 * The persistent "asked before?" question index on Apache Lucene: {@link
 * dev.qsim.index.LuceneQuestionIndex}, the identity of the model it was built with, its statistics
 * and its check. Nothing here is null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.qsim.index;

import org.jspecify.annotations.NullMarked;
