package dev.qsim.cli;

import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Shows what the qsim library reports through its loggers ({@link System.Logger}s named {@code
 * dev.qsim.*}, such as a damaged int8 cache entry being made again) as one line each on the error
 * stream: {@code qsim: <message>}, warnings and above only. Not thread-safe to install; the handler
 * it installs is.
 */
final class LibraryMessages {
  /** Held so that the configured logger is not collected (and its handler lost). */
  private static Logger qsim;

  private LibraryMessages() {}

  /**
   * Routes the library's warnings to {@code err}, one line each.
   *
   * @param err the error stream
   */
  static synchronized void install(PrintWriter err) {
    Logger logger = Logger.getLogger("dev.qsim");
    for (Handler h : logger.getHandlers()) {
      logger.removeHandler(h);
    }
    logger.setUseParentHandlers(false);
    logger.addHandler(
        new Handler() {
          @Override
          public synchronized void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
              err.println("qsim: " + record.getMessage());
              err.flush();
            }
          }

          @Override
          public void flush() {
            err.flush();
          }

          @Override
          public void close() {}
        });
    qsim = logger;
  }
}
