package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.dn.SqlLiteral;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one SQL literal quoting ({@link SqlLiteral}) read back by the real server byte for byte, in the
 * default sql_mode and under NO_BACKSLASH_ESCAPES: NUL, backslash, quotes, control characters and non-ASCII.
 */
@ExtendWith(TestDatabaseExtension.class)
class SqlLiteralRoundTripTest {
    static final List<String> VALUES = List.of("", "a\0b", "\0", "\0\0x\0", "\\", "\\0", "\\'", "'", "''", "\"", "`", "a\nb\rc",
            "\u001A", "\t\b", "%_", "é", "中文", "😀", "/CN=O'Brien\\+x/O=a\\/b", "x\\", "\\\0'", "'; DROP TABLE t; --");

    @Test
    void everyValueRoundTripsByteExactlyInBothModes() throws SQLException {
        try (Connection connection = TestDatabase.get().adminConnection(); Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            // the driver leaves this server's session in latin1; the statement text is sent as UTF-8
            statement.execute("SET NAMES utf8mb4");
            for (boolean noBackslashEscapes : List.of(false, true)) {
                statement.execute(noBackslashEscapes ? "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES'"
                        : "SET SESSION sql_mode = 'STRICT_TRANS_TABLES'");
                try (ResultSet mode = statement.executeQuery("SELECT @@sql_mode")) {
                    mode.next();
                    assertEquals(noBackslashEscapes, SqlLiteral.noBackslashEscapes(mode.getString(1)));
                }
                for (String value : VALUES) {
                    String literal = SqlLiteral.quote(value, noBackslashEscapes);
                    try (ResultSet row = statement.executeQuery("SELECT HEX(" + literal + "), "
                            + "CHAR_LENGTH(" + literal + ")")) {
                        row.next();
                        assertEquals(HexFormat.of().withUpperCase().formatHex(value.getBytes(StandardCharsets.UTF_8)), row.getString(1),
                                "mode nbe=" + noBackslashEscapes + " literal " + literal.replace("\0", "<NUL>"));
                        assertEquals(value.codePointCount(0, value.length()), row.getInt(2), literal);
                    }
                }
            }
        }
    }
}
