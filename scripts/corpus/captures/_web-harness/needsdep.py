import flask_sqlalchemy  # not installed in this venv
app = None
