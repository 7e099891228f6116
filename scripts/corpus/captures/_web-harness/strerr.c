#include <stdio.h>
#include <string.h>
#include <errno.h>
int main(void) { printf("ETIMEDOUT(%d): %s\nECONNREFUSED(%d): %s\n", ETIMEDOUT, strerror(ETIMEDOUT), ECONNREFUSED, strerror(ECONNREFUSED)); return 0; }
