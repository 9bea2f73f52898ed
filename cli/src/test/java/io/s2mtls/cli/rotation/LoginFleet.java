package io.s2mtls.cli.rotation;

import com.singlestore.jdbc.Driver;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Users who log in continuously, each on its own schedule, with the real SingleStore JDBC driver: TLS with
 * {@code sslMode=verify-ca} against the server's CA, the client certificate from the user's PKCS12 keystore
 * file as it is at that moment (the driver reads the file on every connection, so replacing the file
 * atomically is how a user switches to new credentials). Every login checks {@code CURRENT_USER()}.
 *
 * <p>Counts logins and failures per phase (the phase when the login started), keeps the first failures for
 * the message, and measures for each user the longest time between the starts of two of its logins.
 */
final class LoginFleet implements AutoCloseable {
    /** How many failures are kept with their message. */
    private static final int KEPT_FAILURES = 20;

    /** One user of the fleet: its account name and the keystore file it logs in with (its password never changes). */
    record Member(String user, Path keystore, String keystorePassword) {
        Member {
            requireNonNull(user, "user is null");
            requireNonNull(keystore, "keystore is null");
            requireNonNull(keystorePassword, "keystorePassword is null");
        }
    }

    /** A failed login: who, in which phase, and what the driver said. */
    record Failure(String user, String phase, Outcome outcome) {
        boolean refusedByServer() {
            return outcome.refusedByServer();
        }

        @Override
        public String toString() {
            return user + " in phase '" + phase + "': " + (outcome.loggedIn() ? "logged in as " + outcome.currentUser()
                    : outcome.errorCode() + " " + outcome.sqlState() + " " + outcome.message());
        }
    }

    /** What one login did. {@code errorCode}/{@code sqlState} are the driver's (0/"" when it logged in). */
    record Outcome(boolean loggedIn, String currentUser, int errorCode, String sqlState, String message) {
        /**
         * The server turned the certificate away: access denied (1045), or the TLS handshake ended by the server,
         * which is how MariaDB refuses a certificate that does not chain to its client CA file (the connection is
         * reset, or the server's alert {@code unknown_ca} arrives, before any SQL error can be sent).
         */
        boolean refusedByServer() {
            return !loggedIn && (errorCode == 1045 || message.contains("Received fatal alert") || message.contains("Connection reset")
                    || message.contains("Broken pipe") || message.contains("Remote host terminated the handshake"));
        }
    }

    /**
     * Logins and failures of one phase, how long it lasted (until the next phase began, or the fleet stopped), and how
     * many different users logged in during it.
     */
    record PhaseCount(String phase, int logins, int failed, Duration lasted, int usersLoggedIn) {
        @Override
        public String toString() {
            return "'" + phase + "' " + lasted.toMillis() + " ms: " + logins + " logins (" + usersLoggedIn + " users), " + failed + " failed";
        }
    }

    /** The counters of one phase. */
    private static final class PhaseCounter {
        final AtomicInteger logins = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final java.util.Set<Integer> loggedIn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.Set<Integer> tried = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final long started = System.nanoTime();
        volatile long ended;
    }

    /** What the fleet did while it ran. */
    record Tally(int logins, int failed, List<PhaseCount> phases, List<Failure> firstFailures, Duration longestGap,
                 int fewestLoginsOfAUser) {
        @Override
        public String toString() {
            return logins + " logins, " + failed + " failed; per phase " + phases + "; longest gap between two logins of a user "
                    + longestGap.toMillis() + " ms; fewest logins of a user " + fewestLoginsOfAUser
                    + (firstFailures.isEmpty() ? "" : "; first failures: " + firstFailures);
        }
    }

    private final String jdbcUrl;
    private final String serverCaPem;
    private final List<Member> members;
    private final Duration period;
    private final ScheduledExecutorService pool;
    private final List<ScheduledFuture<?>> schedules = new ArrayList<>();
    private final Map<String, PhaseCounter> perPhase = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong[] lastStart;
    private final AtomicLong[] longestGap;
    private final AtomicInteger[] loginsOf;
    private volatile String phase = "start";
    private volatile boolean running;

    /**
     * @param jdbcUrl     the server, {@code jdbc:singlestore://host:port/}
     * @param serverCaPem the CA the server's own certificate chains to (verify-ca)
     * @param period      how often each user logs in (start to start)
     * @param threads     how many logins may run at once
     */
    LoginFleet(String jdbcUrl, String serverCaPem, List<Member> members, Duration period, int threads) {
        this.jdbcUrl = requireNonNull(jdbcUrl, "jdbcUrl is null");
        this.serverCaPem = requireNonNull(serverCaPem, "serverCaPem is null");
        this.members = List.copyOf(members);
        this.period = requireNonNull(period, "period is null");
        this.pool = Executors.newScheduledThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "login-fleet");
            thread.setDaemon(true);
            return thread;
        });
        this.lastStart = new AtomicLong[this.members.size()];
        this.longestGap = new AtomicLong[this.members.size()];
        this.loginsOf = new AtomicInteger[this.members.size()];
        for (int i = 0; i < this.members.size(); i++) {
            lastStart[i] = new AtomicLong();
            longestGap[i] = new AtomicLong();
            loginsOf[i] = new AtomicInteger();
        }
    }

    /** Starts every user's schedule, spread evenly over one period. */
    synchronized void start() {
        if (running) {
            throw new IllegalStateException("the fleet is already running");
        }
        running = true;
        long periodNanos = period.toNanos();
        for (int i = 0; i < members.size(); i++) {
            int index = i;
            schedules.add(pool.scheduleAtFixedRate(() -> loginOnce(index), periodNanos * i / members.size(), periodNanos,
                    TimeUnit.NANOSECONDS));
        }
    }

    /** Logins that start from now on count for {@code name}. */
    void phase(String name) {
        synchronized (perPhase) {
            PhaseCounter previous = perPhase.get(phase);
            if (previous != null && previous.ended == 0) {
                previous.ended = System.nanoTime();
            }
            perPhase.computeIfAbsent(name, n -> new PhaseCounter());
        }
        phase = name;
    }

    /** Lets the fleet log in for {@code duration} in the current phase. */
    void dwell(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    /**
     * Lets the fleet log in for at least {@code duration} in the current phase, and longer (up to {@code limit}) until
     * every user has tried to log in during it: on a busy machine a user's turn may come late, and a phase that some
     * user never tried proves nothing for that user.
     */
    void dwell(Duration duration, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(duration.toMillis());
        PhaseCounter counter;
        synchronized (perPhase) {
            counter = perPhase.get(phase);
        }
        while (counter != null && counter.tried.size() < members.size() && System.nanoTime() - start < limit.toNanos()) {
            Thread.sleep(50);
        }
    }

    int failedSoFar() {
        return failed.get();
    }

    /** Stops scheduling, waits for logins under way, and returns the tally. */
    synchronized Tally stop() throws InterruptedException {
        running = false;
        schedules.forEach(schedule -> schedule.cancel(false));
        synchronized (perPhase) {
            perPhase.values().stream().filter(counter -> counter.ended == 0).forEach(counter -> counter.ended = System.nanoTime());
        }
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("logins under way did not end within 60 s");
        }
        return tally();
    }

    Tally tally() {
        List<PhaseCount> phases = new ArrayList<>();
        synchronized (perPhase) {
            perPhase.forEach((name, counter) -> phases.add(new PhaseCount(name, counter.logins.get(), counter.failed.get(),
                    Duration.ofNanos((counter.ended == 0 ? System.nanoTime() : counter.ended) - counter.started), counter.loggedIn.size())));
        }
        long gap = 0;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < members.size(); i++) {
            gap = Math.max(gap, longestGap[i].get());
            fewest = Math.min(fewest, loginsOf[i].get());
        }
        return new Tally(logins.get(), failed.get(), phases, List.copyOf(failures), Duration.ofNanos(gap),
                members.isEmpty() ? 0 : fewest);
    }

    @Override
    public void close() throws InterruptedException {
        if (!pool.isShutdown()) {
            stop();
        }
    }

    private void loginOnce(int index) {
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        long previous = lastStart[index].getAndSet(now);
        if (previous != 0) {
            longestGap[index].accumulateAndGet(now - previous, Math::max);
        }
        String phaseNow = phase;
        Member member = members.get(index);
        Outcome outcome = login(jdbcUrl, serverCaPem, member.user(), member.keystore(), member.keystorePassword());
        String expected = member.user() + "@%";
        boolean ok = outcome.loggedIn() && expected.equals(outcome.currentUser());
        logins.incrementAndGet();
        loginsOf[index].incrementAndGet();
        PhaseCounter counter;
        synchronized (perPhase) {
            counter = perPhase.computeIfAbsent(phaseNow, n -> new PhaseCounter());
        }
        counter.logins.incrementAndGet();
        counter.tried.add(index);
        if (ok) {
            counter.loggedIn.add(index);
        } else {
            failed.incrementAndGet();
            counter.failed.incrementAndGet();
            if (failures.size() < KEPT_FAILURES) {
                failures.add(new Failure(member.user(), phaseNow, outcome));
            }
        }
    }

    /**
     * One login with the SingleStore driver: verify-ca against {@code serverCaPem}, the client certificate from the
     * PKCS12 file {@code keystore}; returns {@code CURRENT_USER()} or the driver's error.
     */
    static Outcome login(String jdbcUrl, String serverCaPem, String user, Path keystore, String keystorePassword) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("sslMode", "verify-ca");
        properties.setProperty("serverSslCert", serverCaPem);
        properties.setProperty("keyStore", keystore.toString());
        properties.setProperty("keyStorePassword", keystorePassword);
        properties.setProperty("keyStoreType", "PKCS12");
        properties.setProperty("connectTimeout", "20000");
        properties.setProperty("socketTimeout", "20000");
        try (Connection connection = new Driver().connect(jdbcUrl, properties);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT CURRENT_USER()")) {
            rows.next();
            return new Outcome(true, rows.getString(1), 0, "", "");
        } catch (SQLException e) {
            return new Outcome(false, "", e.getErrorCode(), e.getSQLState() == null ? "" : e.getSQLState(), oneLine(e.getMessage()));
        } catch (RuntimeException e) {
            return new Outcome(false, "", -1, "", e.toString());
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s+", " ").strip();
    }
}
