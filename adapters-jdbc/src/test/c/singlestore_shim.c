/*
 * A MariaDB daemon plugin that makes a MariaDB test server look enough like SingleStore for the
 * SingleStore JDBC driver: the driver reads @@aggregator_id and @@memsql_version on connect and fails
 * without them. MariaDB names a plugin's system variable <plugin>_<variable>, so two plugins
 * ("aggregator" with "id", "memsql" with "version") provide both names.
 *
 * Test-only. Compiled by the tests (TestDatabase) with:
 *   gcc -shared -fPIC -DMYSQL_DYNAMIC_PLUGIN -I/usr/include/mariadb/server \
 *       -I/usr/include/mariadb/server/private -o singlestore_shim.so singlestore_shim.c
 */
#include <mysql/plugin.h>

static int aggregator_id;
static char *memsql_version;

static MYSQL_SYSVAR_INT(id, aggregator_id, PLUGIN_VAR_RQCMDARG,
                        "Stand-in for SingleStore's @@aggregator_id", NULL, NULL, 0, -1, 1000000, 0);

/* Not NOCMDOPT: with it the default is not applied and the variable reads NULL.
 * 8.5.0 stays below 8.7.1, from which the driver sets enable_extended_types_metadata. */
static MYSQL_SYSVAR_STR(version, memsql_version, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "Stand-in for SingleStore's @@memsql_version", NULL, NULL, "8.5.0");

static struct st_mysql_sys_var *aggregator_variables[] = { MYSQL_SYSVAR(id), NULL };
static struct st_mysql_sys_var *memsql_variables[] = { MYSQL_SYSVAR(version), NULL };

static struct st_mysql_daemon shim_daemon = { MYSQL_DAEMON_INTERFACE_VERSION };

maria_declare_plugin(singlestore_shim)
{
  MYSQL_DAEMON_PLUGIN, &shim_daemon, "aggregator", "s2mtls tests",
  "Provides @@aggregator_id for the SingleStore JDBC driver", PLUGIN_LICENSE_GPL,
  NULL, NULL, 0x0100, NULL, aggregator_variables, "1.0", MariaDB_PLUGIN_MATURITY_STABLE
},
{
  MYSQL_DAEMON_PLUGIN, &shim_daemon, "memsql", "s2mtls tests",
  "Provides @@memsql_version for the SingleStore JDBC driver", PLUGIN_LICENSE_GPL,
  NULL, NULL, 0x0100, NULL, memsql_variables, "1.0", MariaDB_PLUGIN_MATURITY_STABLE
}
maria_declare_plugin_end;
