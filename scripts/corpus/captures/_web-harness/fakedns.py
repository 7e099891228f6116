# Minimal DNS responder for captures inside a private network namespace: answers every query with the
# given RCODE (3 = NXDOMAIN, 2 = SERVFAIL), or swallows it ("drop").
import socket, sys
mode = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[2]) if len(sys.argv) > 2 else 53))
while True:
    q, addr = s.recvfrom(4096)
    if mode == "drop":
        continue
    rcode = int(mode)
    flags = 0x8000 | (q[2] & 0x01) << 8 | 0x0080 | rcode  # QR, RD copied, RA, RCODE
    qend = 12
    while q[qend] != 0:
        qend += q[qend] + 1
    qend += 5
    s.sendto(q[:2] + flags.to_bytes(2, "big") + b"\x00\x01\x00\x00\x00\x00\x00\x00" + q[12:qend], addr)
