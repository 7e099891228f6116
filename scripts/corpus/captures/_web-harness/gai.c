#include <netdb.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[1], "80", &hints, &res);
    if (rc) { fprintf(stderr, "getaddrinfo %s: %s\n", argv[1], gai_strerror(rc)); return 1; }
    return 0;
}
