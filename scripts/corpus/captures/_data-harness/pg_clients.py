import sys, asyncio, traceback
which = sys.argv[1]
if which == "psycopg2":
    import psycopg2
    psycopg2.connect(host="127.0.0.1", port=5432, user="appuser", password="wrong", dbname="appdb")
elif which == "asyncpg":
    import asyncpg
    asyncio.run(asyncpg.connect(host="127.0.0.1", port=5432, user="appuser", password="wrong", database="appdb"))
elif which == "sqlalchemy":
    import sqlalchemy
    e = sqlalchemy.create_engine("postgresql+psycopg2://appuser:wrong@127.0.0.1:5432/appdb")
    e.connect()
elif which == "sqlalchemy-asyncpg":
    import sqlalchemy
    from sqlalchemy.ext.asyncio import create_async_engine
    async def m():
        e = create_async_engine("postgresql+asyncpg://appuser:wrong@127.0.0.1:5432/appdb")
        async with e.connect() as c: pass
    asyncio.run(m())
