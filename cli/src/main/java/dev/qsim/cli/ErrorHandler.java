package dev.qsim.cli;

import dev.qsim.QsimException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's error on one line (the stack trace too with {@code --verbose}) and
 * returns exit code 1. Not thread-safe; stateless in practice.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean verbose = false;
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      verbose |= p.hasMatchedOption("--verbose");
    }
    String message;
    if (ex instanceof QsimException || ex instanceof IllegalArgumentException) {
      message = oneLine(ex.getMessage());
    } else {
      message = ex.getClass().getName() + ": " + oneLine(ex.getMessage());
    }
    // The full command path, "qsim index add", not just "add".
    err.println(cl.getCommandSpec().qualifiedName() + ": " + message);
    if (verbose) {
      ex.printStackTrace(err);
    } else if (!(ex instanceof QsimException || ex instanceof IllegalArgumentException)) {
      err.println("(run again with --verbose for the stack trace)");
    }
    err.flush();
    return 1;
  }

  private static String oneLine(String message) {
    return message == null ? "(no message)" : message.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
