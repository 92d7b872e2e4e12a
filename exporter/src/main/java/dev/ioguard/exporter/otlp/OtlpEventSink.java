package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.Version;
import dev.ioguard.exporter.events.Event;
import dev.ioguard.exporter.events.EventSink;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends each event as one OpenTelemetry log record over OTLP, synchronously: {@link #deliver}
 * returns only once the collector accepted the record, retrying with exponential backoff under
 * the {@link RetryPolicy}, and throws {@link OtlpExportException} after the last attempt (the
 * {@link dev.ioguard.exporter.events.EventPipeline} counts that as {@code export_failed}). While it
 * retries, the pipeline's bounded queue for this sink absorbs new events and counts what does not
 * fit: nothing is lost silently. The SDK's batching processor (which drops silently when full)
 * is not used: the SDK logger builds the record, a capturing processor hands it back, and the
 * exporter is called directly.
 *
 * <p>Delivery is at least once: an attempt that times out on our side may still have reached the
 * collector, and is sent again. When the collector is down or answers with an error, every event
 * is delivered exactly once.
 *
 * <p>Threading: {@link #deliver} is called from one thread (the pipeline's lane for this sink),
 * never concurrently, as {@link EventSink} promises, so the exporter is never re-entered.
 * {@link #retries()} and {@link #close()} may be called from any thread; close wakes a deliver
 * that is waiting to retry, and is idempotent.
 */
public final class OtlpEventSink implements EventSink, AutoCloseable {
    /** The sink's name in self metrics ({@code sink="otlp"}). */
    public static final String NAME = "otlp";

    private static final System.Logger LOG = System.getLogger(OtlpEventSink.class.getName());
    /** Extra wait beyond the exporter's own request timeout before an attempt counts as failed. */
    private static final Duration JOIN_MARGIN = Duration.ofSeconds(1);

    private final LogRecordExporter exporter;
    private final SdkLoggerProvider loggers;
    private final Logger logger;
    private final RecordCapture capture = new RecordCapture();
    private final RetryPolicy retry;
    private final Duration attemptTimeout;
    private final AtomicLong retries = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);

    OtlpEventSink(LogRecordExporter exporter, Resource resource, RetryPolicy retry,
            Duration requestTimeout) {
        this.exporter = Objects.requireNonNull(exporter, "exporter");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.attemptTimeout = requestTimeout.plus(JOIN_MARGIN);
        this.loggers = SdkLoggerProvider.builder().setResource(resource)
                .addLogRecordProcessor(capture).build();
        this.logger = loggers.loggerBuilder("dev.ioguard.exporter")
                .setInstrumentationVersion(Version.current()).build();
    }

    /** The sink when the configuration exports logs; it owns its exporter. */
    public static Optional<OtlpEventSink> start(OtlpConfig config) {
        return config.logs().map(s -> new OtlpEventSink(OtlpExporters.logs(s), config.resource(),
                config.retry(), s.timeout()));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Attempts after the first one, over all events so far. */
    public long retries() {
        return retries.get();
    }

    @Override
    public void deliver(Event event) throws OtlpExportException, InterruptedException {
        List<LogRecordData> batch = List.of(record(event));
        for (int attempt = 1; ; attempt++) {
            if (closed.getCount() == 0) {
                throw new OtlpExportException("OTLP sink closed before event " + event.name()
                        + " was delivered (" + (attempt - 1) + " attempts)");
            }
            CompletableResultCode result = exporter.export(batch)
                    .join(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (result.isSuccess()) {
                return;
            }
            String why = describe(result);
            if (attempt >= retry.maxAttempts()) {
                throw new OtlpExportException("OTLP export of event " + event.name()
                        + " failed after " + attempt + " attempts: " + why);
            }
            Duration wait = retry.backoff(attempt, ThreadLocalRandom.current().nextDouble());
            LOG.log(System.Logger.Level.DEBUG, () -> "OTLP export of " + event.name()
                    + " failed (" + why + "); retrying in " + wait.toMillis() + " ms");
            if (closed.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new OtlpExportException("OTLP sink closed while retrying event "
                        + event.name() + " after " + attempt + " attempts: " + why);
            }
            retries.incrementAndGet();
        }
    }

    private LogRecordData record(Event event) {
        LogRecordBuilder builder = logger.logRecordBuilder();
        EventLogRecords.fill(builder, event, Instant.now());
        builder.emit();
        return capture.take();
    }

    private String describe(CompletableResultCode result) {
        if (!result.isDone()) {
            return "no answer within " + attemptTimeout.toMillis() + " ms";
        }
        Throwable t = result.getFailureThrowable();
        if (t == null) {
            return "rejected by the exporter";
        }
        StringBuilder why = new StringBuilder(t.toString());
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            why.append(" <- ").append(c);
        }
        return why.toString();
    }

    /** Stops retrying, then shuts the exporter down (bounded wait). */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        loggers.shutdown().join(5, TimeUnit.SECONDS);
        exporter.shutdown().join(5, TimeUnit.SECONDS);
    }

    /**
     * Hands the record the SDK logger just built back to the emitting thread: the SDK calls
     * {@link #onEmit} synchronously inside {@code emit()}. Safe for concurrent use (per thread).
     */
    private static final class RecordCapture implements LogRecordProcessor {
        private final ThreadLocal<LogRecordData> emitted = new ThreadLocal<>();

        @Override
        public void onEmit(Context context, ReadWriteLogRecord record) {
            emitted.set(record.toLogRecordData());
        }

        LogRecordData take() {
            LogRecordData record = emitted.get();
            emitted.remove();
            if (record == null) {
                throw new IllegalStateException("the OpenTelemetry logger did not emit the record");
            }
            return record;
        }
    }
}
