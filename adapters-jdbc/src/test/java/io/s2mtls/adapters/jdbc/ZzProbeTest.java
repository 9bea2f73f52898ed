package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.core.user.DatabaseTarget;
import org.junit.jupiter.api.Test;

import java.sql.*;
import java.util.List;

class ZzProbeTest {
    static void dump(Connection c, String sql) throws SQLException {
        System.out.println("== " + sql);
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) b.append(r.getMetaData().getColumnName(i)).append('=').append(r.getString(i)).append(' ');
                System.out.println(b);
            }
        } catch (SQLException e) { System.out.println("ERR " + e.getErrorCode() + " " + e.getMessage()); }
    }
    @Test
    void probe() throws Exception {
        TestDatabase db = TestDatabase.get();
        db.sql("CREATE USER 'pu'@'%' IDENTIFIED BY 'pw1'", "CREATE USER 'pu'@'127.0.0.1' IDENTIFIED BY 'pw2'",
               "CREATE USER ''@'127.0.0.1' IDENTIFIED BY 'pw3'");
        try (Connection a = JdbcConnector.connect(DatabaseTarget.withPassword(db.jdbcUrl(), "pu", "pw2".toCharArray(), List.of(db.authority().certificate())));
             Connection admin = db.adminConnection()) {
            dump(a, "SELECT CURRENT_USER(), USER()");
            try {
                Connection b = JdbcConnector.connect(DatabaseTarget.withPassword(db.jdbcUrl(), "nobody", "pw3".toCharArray(), List.of(db.authority().certificate())));
                dump(b, "SELECT CURRENT_USER(), USER()");
            } catch (Exception e) { System.out.println("anon: " + e.getMessage()); }
            dump(admin, "SELECT * FROM information_schema.PROCESSLIST");
            dump(admin, "SELECT @@performance_schema, @@version");
            dump(admin, "SELECT * FROM performance_schema.threads WHERE PROCESSLIST_USER IS NOT NULL");
            dump(admin, "SHOW CREATE USER 'zz'@'%'");
            try (Statement s = admin.createStatement()) { s.execute("CREATE USER 'pu'@'%'"); } catch (SQLException e) { System.out.println("ERR " + e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage()); }
            try (Statement s = admin.createStatement()) { s.execute("DROP USER 'zz'@'%'"); } catch (SQLException e) { System.out.println("ERR " + e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage()); }
            try (Statement s = admin.createStatement()) { s.execute("ALTER USER 'zz'@'%' ACCOUNT LOCK"); } catch (SQLException e) { System.out.println("ERR " + e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage()); }
            try (Statement s = admin.createStatement()) { s.execute("GRANT SELECT ON *.* TO 'zz'@'%'"); } catch (SQLException e) { System.out.println("ERR " + e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage()); }
            try (Statement s = admin.createStatement()) { s.execute("REVOKE SELECT ON *.* FROM 'zz'@'%'"); } catch (SQLException e) { System.out.println("ERR " + e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage()); }
            try (Statement s = a.createStatement()) { s.execute("CREATE USER 'qq'@'%'"); } catch (SQLException e) { System.out.println("ERR " + e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage()); }
            try (Statement s = a.createStatement()) { s.execute("SELECT * FROM mysql.user"); } catch (SQLException e) { System.out.println("ERR " + e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage()); }
        }
        try { JdbcConnector.connect(DatabaseTarget.withPassword(db.jdbcUrl(), db.adminUser(), "wrong".toCharArray(), List.of(db.authority().certificate()))); }
        catch (Exception e) { System.out.println("WRONGPW: " + e.getMessage()); }
        try { JdbcConnector.connect(DatabaseTarget.withPassword(db.jdbcUrl() + "?sslMode=disable", db.adminUser(), db.adminPassword(), List.of(db.authority().certificate()))).close(); System.out.println("PLAIN LOGIN OK"); }
        catch (Exception e) { System.out.println("plain: " + e.getMessage()); }
    }
}
