import hashlib, time
def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/cpu":
        # a long C call that does not return to the interpreter, so SIGABRT's handler cannot run
        hashlib.pbkdf2_hmac("sha256", b"x", b"y", 50_000_000)
    elif path == "/sleep":
        time.sleep(10)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]
