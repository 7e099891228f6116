import sys
which, host, port, user, pw = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
if which == "pymysql":
    import pymysql; pymysql.connect(host=host, port=port, user=user, password=pw, database="appdb")
elif which == "mysqlclient":
    import MySQLdb; MySQLdb.connect(host=host, port=port, user=user, passwd=pw, db="appdb")
elif which == "connector":
    import mysql.connector; mysql.connector.connect(host=host, port=port, user=user, password=pw, database="appdb")
elif which == "sqlalchemy":
    import sqlalchemy; sqlalchemy.create_engine(f"mysql+pymysql://{user}:{pw}@{host}:{port}/appdb").connect()
elif which == "sqlalchemy-mysqldb":
    import sqlalchemy; sqlalchemy.create_engine(f"mysql+mysqldb://{user}:{pw}@{host}:{port}/appdb").connect()
