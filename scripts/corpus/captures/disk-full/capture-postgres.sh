#!/bin/sh
# PostgreSQL 15 with its data directory on a 48 MB tmpfs; fill it with one INSERT. Run as root.
B=/usr/lib/postgresql/15/bin
mkdir -p /mnt/pgfull && mount -t tmpfs -o size=48m tmpfs /mnt/pgfull && chown postgres:postgres /mnt/pgfull
su postgres -c "$B/initdb -D /mnt/pgfull/data -A trust" >/dev/null 2>&1
su postgres -c "$B/pg_ctl -D /mnt/pgfull/data -l /tmp/pgfull.log -o '-p 55432 -k /tmp -c listen_addresses= -c max_wal_size=32MB -c min_wal_size=32MB' start" >/dev/null
sleep 2
echo '$ psql -c "create table t(x text); insert into t select repeat(md5(g::text), 20) from generate_series(1,200000) g;"'
su postgres -c "psql -h /tmp -p 55432 -d postgres -c 'create table t(x text); insert into t select repeat(md5(g::text), 20) from generate_series(1,200000) g;'" 2>&1
su postgres -c "$B/pg_ctl -D /mnt/pgfull/data stop" >/dev/null
echo '## server log (stderr, default log_line_prefix "%m [%p] ")'
cat /tmp/pgfull.log
umount /mnt/pgfull
