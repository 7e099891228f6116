#!/bin/bash
# JupyterHub 6.1.1 / alembic 1.20.1 (pip, venv /tmp/ltvenv): a 128-hex-character JUPYTERHUB_CRYPT_KEY;
# a database whose alembic_version row names a revision JupyterHub does not know (hub start check and
# `jupyterhub upgrade-db`), and plain alembic against an unknown revision.
set -u
OUT=${OUT:-$(pwd)}
V=/tmp/ltvenv/bin
D=$(mktemp -d); cd $D
JUPYTERHUB_CRYPT_KEY=$(openssl rand -hex 64) $V/python -c "
from jupyterhub.crypto import CryptKeeper
try:
    CryptKeeper.instance().check_available()   # reading .keys validates JUPYTERHUB_CRYPT_KEY, as the hub does at start
except Exception as e:
    print('auth_state is enabled, but encryption is not available: %s' % e)   # app.py's wording
    raise
" > $OUT/crypt-key-128-hex.txt 2>&1
$V/python -c "
import sqlite3; c = sqlite3.connect('jupyterhub.sqlite')
c.execute('create table alembic_version (version_num varchar(32) not null)'); c.execute(\"insert into alembic_version values ('0fa9e8d7c6b5')\")
c.execute('create table users (id integer)'); c.commit()"
$V/python -c "
from jupyterhub import orm
orm.check_db_revision(orm.create_engine('sqlite:///jupyterhub.sqlite'))" > $OUT/hub-check-db-revision.txt 2>&1
cp jupyterhub.sqlite up.sqlite
PATH=$V:$PATH timeout 60 $V/jupyterhub upgrade-db --JupyterHub.db_url=sqlite:///up.sqlite > $OUT/jupyterhub-upgrade-db.txt 2>&1
mkdir alem && cd alem && $V/alembic init mig >/dev/null 2>&1; sed -i 's#^sqlalchemy.url = .*#sqlalchemy.url = sqlite:///../jupyterhub.sqlite#' alembic.ini
$V/alembic upgrade head > $OUT/alembic-upgrade-unknown-revision.txt 2>&1
$V/alembic current > $OUT/alembic-current-unknown-revision.txt 2>&1
$V/alembic upgrade head~x >/dev/null 2>&1
$V/alembic downgrade head > $OUT/alembic-downgrade-head.txt 2>&1
sed -i "s#$D#/srv/jupyterhub#g" $OUT/*.txt
cd /; rm -rf $D
