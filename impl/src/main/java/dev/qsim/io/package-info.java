/**
 * What qsim writes and keeps on disk, one of each: the atomic writer for files ({@link
 * dev.qsim.io.AtomicFiles}) and directories ({@link dev.qsim.io.AtomicDirectories}), the per-user
 * cache folder ({@link dev.qsim.io.CacheDirectory}), the embedding cache and its float-matrix file
 * format ({@link dev.qsim.io.EmbeddingCache}), and the text renderer of progress ({@link
 * dev.qsim.io.TextProgress}). Tooling for qsim's own modules (training, CLI, benchmarks, index),
 * not part of the SDK's API.
 */
package dev.qsim.io;
