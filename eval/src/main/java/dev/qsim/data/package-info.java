/**
 * Labelled question pairs and the readers for the files qsim trains and evaluates on: {@link
 * dev.qsim.data.PairReader} reads a file in one of the {@link dev.qsim.data.PairFormat} layouts
 * into a {@link dev.qsim.data.PairDataset} of {@link dev.qsim.data.LabelledPair}s, reporting
 * malformed rows as {@link dev.qsim.data.DataFormatException}s that name the file and line.
 *
 * <p>Nothing here is null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.qsim.data;

import org.jspecify.annotations.NullMarked;
