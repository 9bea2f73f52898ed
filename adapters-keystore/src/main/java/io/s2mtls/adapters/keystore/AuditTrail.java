package io.s2mtls.adapters.keystore;

import io.s2mtls.adapters.files.AtomicFiles;
import io.s2mtls.adapters.records.StoreJson;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.x509.Pkcs12Builder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The audit trail of a PKCS12 store: an append-only sidecar file {@code STORE.audit} next to the store,
 * mode 0600, one line per event:
 * <pre>{@code HMAC-HEX SP JSON LF}</pre>
 * where {@code JSON} is {@link StoreJson#auditLine} and {@code HMAC-HEX} is the HMAC-SHA256 of the JSON's
 * UTF-8 bytes under the store's audit key (a random key kept only inside the store's encrypted index).
 * A line that was altered, or forged without the store password, fails its HMAC; such a line, and a last
 * line cut short by a writer killed mid-append, is reported in its place as an {@code audit.damaged}
 * event, never fatal to a read. Removing whole lines is not detected by the HMACs (the file's owner-only
 * mode is what protects against it).
 *
 * <p>The trail must be a regular file: anything else at its path (a FIFO, a device, a directory, a symbolic link) is
 * refused before it is opened ({@link #requireRegularFileOrAbsent}).
 *
 * <p>The trail is never parsed on open; {@link #recent} reads backwards from the end, so its cost grows
 * with the number of events asked for, not with the length of the trail. Appends happen under the store
 * lock and are fsync'ed.
 */
final class AuditTrail {
    static final String SUFFIX = ".audit";
    static final String DAMAGED = "audit.damaged";
    private static final int CHUNK = 64 * 1024;

    private AuditTrail() {
    }

    static Path of(Path storeFile) {
        return storeFile.resolveSibling(storeFile.getFileName() + SUFFIX);
    }

    /** The trail's path holds something other than a regular file; the message names it and what it is. */
    static final class NotARegularFileException extends IOException {
        NotARegularFileException(String message) {
            super(message);
        }
    }

    /**
     * Refuses a trail that is not a regular file, without following a symbolic link: opening a FIFO would block until
     * another process opened its other end, a device may never end, and a link would send the events elsewhere. A
     * missing trail is fine (the first append creates it). Called before every open.
     */
    static void requireRegularFileOrAbsent(Path trail) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(trail, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (attributes.isRegularFile()) {
            return;
        }
        throw new NotARegularFileException("the audit trail " + trail + " is " + kind(trail, attributes)
                + ", not a regular file, so s2mtls does not open it; move it aside (the trail must be a regular file next to the store)");
    }

    private static String kind(Path path, BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (attributes.isDirectory()) {
            return "a directory";
        }
        try {
            int type = ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0170000;
            return switch (type) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | RuntimeException e) {
            return "a device, FIFO or socket";
        }
    }

    static byte[] newKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    /** The lines recording {@code events}, ready to append (built before the store is written, so a bad event stops the commit). */
    static byte[] lines(byte[] key, List<AuditEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (AuditEvent event : events) {
            byte[] json = StoreJson.auditLine(event).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(HexFormat.of().formatHex(Pkcs12Builder.hmacSha256(key, json)).getBytes(StandardCharsets.US_ASCII));
            out.write(' ');
            out.writeBytes(json);
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Appends {@code lines} (from {@link #lines}) and fsyncs; a last line left incomplete by an interrupted append stays a line of its own. */
    static void append(Path trail, byte[] lines) throws IOException {
        if (lines.length == 0) {
            return;
        }
        requireRegularFileOrAbsent(trail);
        boolean created = !Files.exists(trail, LinkOption.NOFOLLOW_LINKS);
        try (FileChannel channel = FileChannel.open(trail, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS), AtomicFiles.ownerOnly(trail))) {
            long size = channel.size();
            ByteBuffer buffer;
            if (size > 0 && lastByte(trail, size) != '\n') {
                buffer = ByteBuffer.allocate(lines.length + 1).put((byte) '\n').put(lines).flip();
            } else {
                buffer = ByteBuffer.wrap(lines);
            }
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        if (created) {
            AtomicFiles.syncDirectory(trail.getParent());
        }
    }

    /** Replaces the whole trail with {@code events} (used once, when a version-1 store moves its in-file trail here). */
    static void replace(Path trail, byte[] key, List<AuditEvent> events) throws IOException {
        requireRegularFileOrAbsent(trail);
        AtomicFiles.write(trail, lines(key, events));
    }

    private static int lastByte(Path trail, long size) throws IOException {
        try (FileChannel read = FileChannel.open(trail, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            read.read(one, size - 1);
            return one.get(0);
        }
    }

    /** The last {@code limit} events, oldest first, damaged lines reported in their place; empty when there is no trail. */
    static List<AuditEvent> recent(Path trail, byte[] key, int limit) throws IOException {
        if (limit <= 0) {
            return List.of();
        }
        requireRegularFileOrAbsent(trail);
        Deque<byte[]> lines = new ArrayDeque<>();
        boolean lastLineComplete;
        Instant modified;
        try (FileChannel channel = FileChannel.open(trail, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            modified = Files.getLastModifiedTime(trail, LinkOption.NOFOLLOW_LINKS).toInstant();
            long end = channel.size();
            if (end == 0) {
                return List.of();
            }
            lastLineComplete = lastByte(trail, end) == '\n';
            long position = lastLineComplete ? end - 1 : end; // the content before the final LF
            ByteArrayOutputStream partial = new ByteArrayOutputStream(); // bytes of the line being assembled, reversed
            while (position > 0 && lines.size() < limit) {
                int size = (int) Math.min(CHUNK, position);
                ByteBuffer chunk = ByteBuffer.allocate(size);
                long from = position - size;
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, from + chunk.position()) < 0) {
                        throw new IOException("the audit trail " + trail + " shrank while it was read");
                    }
                }
                byte[] bytes = chunk.array();
                for (int i = size - 1; i >= 0 && lines.size() < limit; i--) {
                    if (bytes[i] == '\n') {
                        lines.addFirst(reversed(partial));
                        partial.reset();
                    } else {
                        partial.write(bytes[i]);
                    }
                }
                position = from;
            }
            if (position == 0 && lines.size() < limit && (partial.size() > 0 || lines.isEmpty())) {
                lines.addFirst(reversed(partial));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<AuditEvent> events = new ArrayList<>(lines.size());
        int index = 0;
        for (byte[] line : lines) {
            boolean last = ++index == lines.size();
            events.add(event(trail, key, line, last && !lastLineComplete, modified));
        }
        return events;
    }

    private static byte[] reversed(ByteArrayOutputStream partial) {
        byte[] bytes = partial.toByteArray();
        for (int i = 0, j = bytes.length - 1; i < j; i++, j--) {
            byte b = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = b;
        }
        return bytes;
    }

    private static AuditEvent event(Path trail, byte[] key, byte[] line, boolean incomplete, Instant modified) {
        if (incomplete) {
            return damaged(trail, modified, "its last line is incomplete (a write was interrupted); the event it held is lost");
        }
        int space = indexOf(line, (byte) ' ');
        if (space != 64) {
            return damaged(trail, modified, "a line of it is not an s2mtls audit line");
        }
        byte[] json = java.util.Arrays.copyOfRange(line, space + 1, line.length);
        byte[] expected = HexFormat.of().formatHex(Pkcs12Builder.hmacSha256(key, json)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, java.util.Arrays.copyOf(line, space))) {
            return damaged(trail, modified, "a line of it fails its integrity check (it was altered, or not written by s2mtls)");
        }
        try {
            return StoreJson.auditEvent(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return damaged(trail, modified, "a line of it is unreadable: " + StoreMetadata.firstLine(e.getMessage()));
        }
    }

    private static AuditEvent damaged(Path trail, Instant modified, String reason) {
        return new AuditEvent(modified, "s2mtls", DAMAGED, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(trail + ": " + reason));
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
