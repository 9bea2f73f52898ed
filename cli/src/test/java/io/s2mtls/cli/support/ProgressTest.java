package io.s2mtls.cli.support;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    /** A ticker the test drives by hand, remembering the period it was asked for. */
    static final class ManualTicker implements Progress.Ticker {
        Duration period;
        Runnable task;
        boolean stopped;

        @Override
        public Runnable every(Duration period, Runnable task) {
            this.period = period;
            this.task = task;
            return () -> stopped = true;
        }
    }

    @Test
    void notOnATerminalALineEveryIntervalAndAFinalLine() {
        StringWriter err = new StringWriter();
        AtomicLong now = new AtomicLong(0);
        ManualTicker ticker = new ManualTicker();
        Progress progress = new Progress(new PrintWriter(err), false, "issued", 5000, Progress.INTERVAL, now::get, ticker);
        assertEquals(Duration.ofSeconds(10), ticker.period, "asks for a line every 10 s");
        progress.update(1200);
        assertEquals("", err.toString(), "no line per update");
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        ticker.task.run();
        assertEquals("issued 1200/5000 (24%), 10 s\n", err.toString());
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        ticker.task.run();
        assertTrue(err.toString().endsWith("issued 1200/5000 (24%), 20 s\n"), "a line even when nothing finished: " + err);
        progress.update(5000);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        progress.close();
        assertTrue(ticker.stopped);
        assertTrue(err.toString().endsWith("issued 5000/5000 (100%), 21 s\n"), err.toString());
        ticker.task.run();
        progress.close();
        assertEquals(3, err.toString().lines().count(), "nothing after the final line: " + err);
    }

    @Test
    void theRealTimerPrintsWithoutAnyUpdate() throws Exception {
        StringWriter err = new StringWriter();
        List<String> lines;
        try (Progress progress = new Progress(new PrintWriter(err), false, "renewed", 0, Duration.ofMillis(20), System::nanoTime,
                Progress::timer)) {
            progress.update(3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (err.toString().lines().count() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            lines = err.toString().lines().toList();
        }
        assertTrue(lines.size() >= 3, "lines: " + lines);
        lines.forEach(l -> assertTrue(l.matches("renewed 3, \\d+ s"), l));
    }

    @Test
    void countsNeverGoBackwardsUnderConcurrentUpdates() throws Exception {
        StringWriter err = new StringWriter();
        ManualTicker ticker = new ManualTicker();
        int total = 20_000;
        Progress progress = new Progress(new PrintWriter(err), false, "issued", total, Progress.INTERVAL, System::nanoTime, ticker);
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                int n;
                while ((n = finished.incrementAndGet()) <= total) {
                    progress.update(n); // threads race: counts arrive out of order
                }
            });
            workers.add(worker);
            worker.start();
        }
        Thread lines = new Thread(() -> {
            for (int ticks = 0; ticks < 100 || finished.get() < total; ticks++) {
                ticker.task.run();
            }
        });
        lines.start();
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        lines.join();
        progress.update(7); // a late, stale report
        progress.close();
        List<Integer> counts = counts(err.toString(), Pattern.compile("issued (\\d+)/" + total));
        assertTrue(counts.size() >= 2, err.toString().lines().limit(5).toList().toString());
        for (int i = 1; i < counts.size(); i++) {
            assertTrue(counts.get(i) >= counts.get(i - 1), "went back from " + counts.get(i - 1) + " to " + counts.get(i));
        }
        assertEquals(total, counts.get(counts.size() - 1));
    }

    @Test
    void onATerminalABarRedrawnInPlaceThatNeverGoesBack() {
        StringWriter err = new StringWriter();
        ManualTicker ticker = new ManualTicker();
        Progress progress = new Progress(new PrintWriter(err), true, "issued", 4, Progress.INTERVAL, System::nanoTime, ticker);
        assertEquals(null, ticker.task, "no timer on a terminal");
        progress.update(2);
        progress.update(1);
        progress.update(4);
        progress.close();
        assertEquals("\rissued       [###############...............] 2/4"
                + "\rissued       [###############...............] 2/4"
                + "\rissued       [##############################] 4/4" + System.lineSeparator(), err.toString());
    }

    @Test
    void phasesEachEndWithTheirOwnLine() {
        StringWriter err = new StringWriter();
        AtomicLong now = new AtomicLong(0);
        ManualTicker ticker = new ManualTicker();
        Progress progress = new Progress(new PrintWriter(err), false, "", 0, Progress.INTERVAL, now::get, ticker);
        progress.update("certificates", 3, 3);
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        progress.update("accounts", 1, 6);
        progress.update("accounts", 6, 6);
        progress.close();
        assertEquals(List.of("certificates 3/3 (100%), 2 s", "accounts 6/6 (100%), 2 s"), err.toString().lines().toList());
    }

    private static List<Integer> counts(String text, Pattern pattern) {
        List<Integer> counts = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            counts.add(Integer.parseInt(matcher.group(1)));
        }
        return counts;
    }
}
