#!/bin/sh
# Installs what the adapters-jdbc tests need to start their private MariaDB server:
#   mariadb-server (mariadbd, mariadb-install-db, the mariadb client), libmariadbd-dev (plugin headers), gcc.
# As root, installs the missing ones with apt-get. Otherwise says exactly what is missing and exits 1.
# Exits 0 when everything is present. Never starts or touches the machine's own MariaDB service.
set -u

missing_packages=""
need() { # need PACKAGE TEST-DESCRIPTION TEST-COMMAND...
    package=$1; what=$2; shift 2
    if ! "$@" >/dev/null 2>&1; then
        echo "missing: $what (Debian package $package)" >&2
        case " $missing_packages " in *" $package "*) ;; *) missing_packages="$missing_packages $package" ;; esac
    fi
}
has() { command -v "$1" || [ -x "/usr/sbin/$1" ]; }

need mariadb-server "mariadbd" has mariadbd
need mariadb-server "mariadb-install-db" has mariadb-install-db
need mariadb-server "mariadb client" has mariadb
need mariadb-server "/usr/lib/mysql/plugin" test -d /usr/lib/mysql/plugin
need libmariadbd-dev "/usr/include/mariadb/server/mysql/plugin.h" test -f /usr/include/mariadb/server/mysql/plugin.h
need gcc "gcc" has gcc
need openssl "openssl" has openssl

if [ -z "$missing_packages" ]; then
    echo "test dependencies present: mariadb-server libmariadbd-dev gcc openssl"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "not root: install them with: sudo apt-get install -y$missing_packages" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "no apt-get on this machine: install$missing_packages with your package manager" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d keeps Debian from starting the packaged server: the tests run their own private one.
created_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=yes
fi
apt-get update -qq && apt-get install -y -qq $missing_packages
status=$?
[ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d
exit $status
