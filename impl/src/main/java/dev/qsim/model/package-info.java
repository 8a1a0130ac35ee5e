/**
 * The model directory format ({@code docs/model-format.md}): {@link dev.qsim.model.ModelMetadata}
 * (a directory's {@code qsim-model.json}), its precision and pooling, the pair head file, checksums
 * and the atomic directory writer. Nothing here is null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.qsim.model;

import org.jspecify.annotations.NullMarked;
