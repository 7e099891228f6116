# A TCP listener whose accept queue is full, so new SYNs are dropped (connect timeout), and a UDP "DNS server"
# that never answers. Loopback only.
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18091)); s.listen(0)
fill = []
for _ in range(3):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(("127.0.0.1", 18091))
    except BlockingIOError: pass
    fill.append(c)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 18053))
while True:
    u.recvfrom(4096)  # swallow DNS queries
