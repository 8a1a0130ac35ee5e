/**
 * The qsim API: {@link dev.qsim.QuestionSimilarity} (similarity, the duplicate decision, finding
 * duplicates), {@link dev.qsim.QuestionIndex} ("asked before?"), and their values and options.
 * Nothing here is null: no parameter accepts null and no method returns it.
 */
@NullMarked
package dev.qsim;

import org.jspecify.annotations.NullMarked;
