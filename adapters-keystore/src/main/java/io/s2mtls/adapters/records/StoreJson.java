package io.s2mtls.adapters.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.core.pki.AuditEvent;

import java.io.IOException;

/**
 * The one JSON binding of the persisted records, shared by every store: unknown fields are refused
 * rather than dropped on the next write, and every failure is an {@link IllegalArgumentException} that
 * says what is wrong (never the content, which may be large).
 */
public final class StoreJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private StoreJson() {
    }

    /** The mapper, for stores that bind documents of their own made of these records. */
    public static ObjectMapper mapper() {
        return JSON;
    }

    public static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + " document: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + " document: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + " document: " + e.getMessage(), e);
        }
    }

    /** One audit event as one line of JSON (no line break inside). */
    public static String auditLine(AuditEvent event) {
        try {
            return JSON.writeValueAsString(AuditRecord.of(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit event as JSON", e);
        }
    }

    /** Reads what {@link #auditLine} wrote. */
    public static AuditEvent auditEvent(String line) {
        return read(line.getBytes(java.nio.charset.StandardCharsets.UTF_8), AuditRecord.class).toEvent();
    }
}
