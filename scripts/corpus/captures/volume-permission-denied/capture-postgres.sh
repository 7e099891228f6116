#!/bin/sh
# PostgreSQL 15 (Debian 12 package) permission failures on data/log directories. Run as root.
B=/usr/lib/postgresql/15/bin
rm -rf /tmp/vp/pg && mkdir -p /tmp/vp/pg/parent /tmp/vp/pg/volume/data /tmp/vp/pg/own /tmp/vp/pg/rootlog
chmod 755 /tmp/vp/pg /tmp/vp/pg/parent /tmp/vp/pg/rootlog; chmod 777 /tmp/vp/pg/volume/data; chown postgres /tmp/vp/pg/own
echo '$ su postgres -c "initdb -D /tmp/vp/pg/parent/data"   # parent is root:root 0755'
su postgres -c "$B/initdb -D /tmp/vp/pg/parent/data" 2>&1 | tail -1
echo '$ su postgres -c "initdb -D /tmp/vp/pg/volume/data"   # data exists, root-owned 0777 (a bind mount dockerd created)'
su postgres -c "$B/initdb -D /tmp/vp/pg/volume/data" 2>&1 | tail -1
su postgres -c "$B/initdb -D /tmp/vp/pg/own/data" >/dev/null 2>&1
chown -R root /tmp/vp/pg/own/data
echo '$ su postgres -c "postgres -D /tmp/vp/pg/own/data"   # initialised, then chown -R root'
su postgres -c "$B/postgres -D /tmp/vp/pg/own/data -k /tmp -p 55433" 2>&1 | tail -2
chown -R postgres /tmp/vp/pg/own/data; chown root /tmp/vp/pg/own/data; chmod 0777 /tmp/vp/pg/own/data
echo '$ su postgres -c "postgres -D /tmp/vp/pg/own/data"   # only the directory itself root-owned, 0777'
su postgres -c "$B/postgres -D /tmp/vp/pg/own/data -k /tmp -p 55433" 2>&1 | tail -2
chown postgres /tmp/vp/pg/own/data
echo '$ su postgres -c "postgres -D /tmp/vp/pg/own/data"   # owner right, mode 0777'
su postgres -c "$B/postgres -D /tmp/vp/pg/own/data -k /tmp -p 55433" 2>&1 | tail -2
chmod 0700 /tmp/vp/pg/own/data
echo '$ su postgres -c "pg_ctl -D /tmp/vp/pg/own/data -l /tmp/vp/pg/rootlog/postgresql.log start"   # log directory root:root 0755'
su postgres -c "$B/pg_ctl -D /tmp/vp/pg/own/data -l /tmp/vp/pg/rootlog/postgresql.log -o '-p 55433 -k /tmp -c listen_addresses=' start" 2>&1
