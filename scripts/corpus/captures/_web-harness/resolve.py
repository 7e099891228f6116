import socket, sys
socket.getaddrinfo(sys.argv[1], 80)
