#!/bin/bash
# MariaDB 10.11 (Debian 12 mariadb-server): an option the server does not know (in a file and on the command
# line), an option file that starts before its first [group], a client reading an unknown [client] option,
# and a port another process holds. Temporary datadir, loopback only, nothing left running.
set -u
OUT=${OUT:-$(pwd)}
D=$(mktemp -d); chmod 755 $D; mkdir $D/data; chown mysql:mysql $D/data
mariadb-install-db --no-defaults --datadir=$D/data --user=mysql --auth-root-authentication-method=normal > /dev/null 2>&1
BASE="--no-defaults --datadir=$D/data --socket=$D/m.sock --pid-file=$D/m.pid --bind-address=127.0.0.1 --port=18306 --user=mysql"
printf '[mysqld]\nquery_cache_typo=1\n' > $D/unknown.cnf
timeout 20 mariadbd --defaults-file=$D/unknown.cnf ${BASE#--no-defaults } > $OUT/mariadbd-unknown-variable.txt 2>&1
timeout 20 mariadbd $BASE --skip-host-cachex > $OUT/mariadbd-unknown-option.txt 2>&1
printf 'innodb_buffer_pool_size=128M\n[mysqld]\nport=3306\n' > $D/nogroup.cnf
timeout 20 mariadbd --defaults-file=$D/nogroup.cnf > $OUT/mariadbd-no-group.txt 2>&1
printf '\xef\xbb\xbf[mysqld]\nport=3306\n' > $D/bom.cnf
timeout 20 mariadbd --defaults-file=$D/bom.cnf > $OUT/mariadbd-bom.txt 2>&1
printf '[client]\ndefault-character-sets=utf8\n' > $D/client.cnf
timeout 5 mariadb --defaults-file=$D/client.cnf -e 'select 1' > $OUT/mariadb-client-unknown-variable.txt 2>&1
timeout 5 mariadb-dump --defaults-file=$D/client.cnf --all-databases > $OUT/mariadb-dump-unknown-variable.txt 2>&1
python3 -c "
import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',18306)); s.listen(); time.sleep(25)" &
H=$!; sleep 1
timeout 20 mariadbd $BASE > $OUT/mariadbd-port-in-use.txt 2>&1
kill $H 2>/dev/null; wait $H 2>/dev/null
sed -i "s#$D#/var/lib/mysql-tmp#g" $OUT/*.txt
rm -rf $D
