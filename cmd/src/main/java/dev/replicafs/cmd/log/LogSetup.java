package dev.replicafs.cmd.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.replicafs.cmd.config.LogConfig;
import dev.replicafs.cmd.config.LogFormat;
import java.io.OutputStream;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@code log} section to Logback (bound only in {@code cmd}): level INFO or DEBUG, and
 * one line per event on stderr, either text ({@code level=INFO logger=Store message key=value}) or
 * one JSON object, with or without a timestamp. Replaces whatever configuration was active, so it
 * can run once the config is loaded.
 */
public final class LogSetup {
  static final String TEXT_PATTERN = "level=%level logger=%logger{0} %msg%n%ex";
  static final String TIMESTAMP = "time=%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} ";

  private LogSetup() {}

  /** Logs to stderr as {@code config} says. */
  public static void apply(LogConfig config) {
    apply(config, System.err);
  }

  /** Logs to {@code out} as {@code config} says. */
  public static void apply(LogConfig config, OutputStream out) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Encoder<ILoggingEvent> encoder =
        config.format() == LogFormat.JSON
            ? jsonEncoder(context, config.timestamp())
            : textEncoder(context, config.timestamp());
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("replicafs");
    appender.setEncoder(encoder);
    appender.setImmediateFlush(true);
    appender.setOutputStream(out);
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(config.debug() ? Level.DEBUG : Level.INFO);
    root.addAppender(appender);
  }

  private static Encoder<ILoggingEvent> textEncoder(LoggerContext context, boolean timestamp) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern((timestamp ? TIMESTAMP : "") + TEXT_PATTERN);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context, boolean timestamp) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithTimestamp(timestamp);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    return encoder;
  }

  /** Turns logging off ({@code replicafs run} without {@code -v}, as LiteFS discards it). */
  public static void silence() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
  }
}
