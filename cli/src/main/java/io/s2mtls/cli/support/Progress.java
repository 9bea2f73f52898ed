package io.s2mtls.cli.support;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of long work (bulk issuance, apply, renewal) on standard error. On a terminal, a bar redrawn in
 * place on every update; otherwise a line such as {@code issued 1200/5000 (24%), 31 s} at least every
 * {@link #INTERVAL}, whether or not anything finished meanwhile, and a final line. Updates may come from
 * several threads and in any order: the count shown is the highest reported, so it never goes backwards.
 * Close it (try-with-resources) so the timer stops even when the work fails.
 */
public final class Progress implements AutoCloseable {
    /** The longest time between two progress lines when standard error is not a terminal. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final int WIDTH = 30;

    /** Runs a task every period until the returned action is run. */
    interface Ticker {
        Runnable every(Duration period, Runnable task);
    }

    private static final Progress NONE = new Progress(null, false, "", 0, INTERVAL, System::nanoTime, (period, task) -> () -> { });

    private final PrintWriter err;
    private final boolean terminal;
    private final String verb;
    private final LongSupplier nanos;
    private final long start;
    private final Runnable stop;
    private String phase;
    private int total;
    private int done;
    private boolean started;
    private boolean closed;

    Progress(PrintWriter err, boolean terminal, String verb, int total, Duration interval, LongSupplier nanos, Ticker ticker) {
        this.err = err;
        this.terminal = terminal;
        this.verb = verb;
        this.total = Math.max(0, total);
        this.nanos = nanos;
        this.start = nanos.getAsLong();
        this.stop = err == null || terminal ? () -> { } : ticker.every(interval, this::tick);
    }

    /**
     * Progress of work counted as {@code verb} ("issued", "renewed"), out of {@code total} items (0 when not
     * known in advance), on the console's standard error.
     */
    public static Progress of(Console console, String verb, int total) {
        return new Progress(console.err(), console.terminal().isPresent(), verb, total, INTERVAL, System::nanoTime, Progress::timer);
    }

    /** Progress of work in phases (each with its own total), e.g. apply's certificates, then accounts. */
    public static Progress phases(Console console) {
        return of(console, "", 0);
    }

    /** Reports nothing: for work too small to report on. */
    public static Progress none() {
        return NONE;
    }

    /** {@code done} items finished so far (any thread; a lower count than one already seen is ignored). */
    public void update(int done) {
        if (err == null) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            started = true;
            this.done = Math.max(this.done, done);
            if (terminal) {
                drawBar();
            }
        }
    }

    /** {@code done} of {@code total} in {@code phase}; a new phase starts its count afresh. */
    public void update(String phase, int done, int total) {
        if (err == null) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            if (this.phase != null && !this.phase.equals(phase) && started) {
                endLine();
                this.done = 0;
            }
            this.phase = phase;
            this.total = Math.max(0, total);
            update(done);
        }
    }

    /** Package-private so a test can drive the timer: prints a progress line unless on a terminal. */
    synchronized void tick() {
        if (err != null && !terminal && !closed) {
            err.println(line());
            err.flush();
        }
    }

    /** Ends the report: the final line (or the bar's newline) when anything was reported; stops the timer. */
    @Override
    public void close() {
        if (err == null) {
            return;
        }
        stop.run();
        synchronized (this) {
            if (closed) {
                return;
            }
            if (started) {
                endLine();
            }
            closed = true;
        }
    }

    private void endLine() {
        if (terminal) {
            err.println();
        } else {
            err.println(line());
        }
        err.flush();
    }

    private String label() {
        return phase != null ? phase : verb;
    }

    String line() {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(nanos.getAsLong() - start);
        String count = total > 0 ? done + "/" + total + " (" + (int) ((long) Math.min(done, total) * 100 / total) + "%)" : String.valueOf(done);
        return (label().isEmpty() ? "" : label() + " ") + count + ", " + seconds + " s";
    }

    private void drawBar() {
        String name = label().isEmpty() ? "" : String.format("%-13s", label());
        if (total > 0) {
            int filled = (int) ((long) Math.min(done, total) * WIDTH / total);
            err.print("\r" + name + "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total);
        } else {
            err.print("\r" + name + done);
        }
        err.flush();
    }

    /** The timer {@link #of} uses: a daemon thread running {@code task} every {@code period}. */
    static Runnable timer(Duration period, Runnable task) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "s2mtls-progress");
            thread.setDaemon(true);
            return thread;
        });
        long millis = period.toMillis();
        timer.scheduleAtFixedRate(task, millis, millis, TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }
}
