/*
 * hs-count: count the lines that contain any of a list of literals, like `LC_ALL=C grep -a -c -F -f`, with
 * Hyperscan. A ceiling row for Benchmarks/run.sh: how fast the same literals can be found in the same bytes by a
 * vectorised multi-literal matcher. Benchmark only; not part of logtriage.
 *
 *   hs-count [-o] -f LITERALS [FILE | DIR | -] ...
 *
 * LITERALS holds one literal per line (Benchmarks/literals.py writes it); empty lines are ignored. Every
 * literal is compiled with hs_compile_lit_multi, case-sensitive, with no HS_FLAG_SINGLEMATCH: Hyperscan reports
 * every occurrence, and a line counts once however many occurrences it holds (grep -c's count). With -o the
 * occurrences themselves are counted instead.
 *
 * Input is read in blocks cut after their last newline, so no line is split between two hs_scan calls (the
 * literals hold no newline, so no match can span one). Directories are walked recursively (regular files only,
 * symbolic links not followed, like grep -r); `-` or no path reads standard input. Output is grep -c's:
 * `PATH:COUNT` per file when there are several files or a directory, else `COUNT`.
 *
 * Exit status: 0 some line matched, 1 none, 2 an error (as grep).
 *
 * Build: cc -O2 -o hs-count Benchmarks/hs-count.c -lhs   (Debian: libhyperscan-dev)
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <hs/hs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK (1u << 20)

static hs_database_t *database;
static hs_scratch_t *scratch;
static int count_occurrences;
static int with_names;
static int failed;
static int any_match;
static char *buffer;
static size_t capacity;

/* Per scan: where the last counted line ends, so that further matches in it are not counted again. */
struct state {
    const char *data;
    size_t length;
    unsigned long long counted_until; /* offset just past the newline of the last counted line; 0 = none */
    unsigned long long last_end;
    unsigned long long count;
    int out_of_order;
};

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx) {
    (void)id, (void)from, (void)flags;
    struct state *s = ctx;
    if (to < s->last_end) s->out_of_order = 1;
    s->last_end = to;
    if (count_occurrences) {
        s->count++;
        return 0;
    }
    if (to <= s->counted_until) return 0; /* in a line already counted */
    s->count++;
    /* The match ends at `to`; its line ends at the next newline at or after `to`. */
    const char *nl = memchr(s->data + to, '\n', s->length - to);
    s->counted_until = nl ? (unsigned long long)(nl - s->data) + 1 : s->length;
    return 0;
}

static void grow(size_t wanted) {
    if (wanted <= capacity) return;
    size_t next = capacity ? capacity : 4 * BLOCK;
    while (next < wanted) next *= 2;
    char *p = realloc(buffer, next);
    if (!p) {
        fprintf(stderr, "hs-count: out of memory\n");
        exit(2);
    }
    buffer = p;
    capacity = next;
}

/* Counts over one open descriptor. Returns the count, or -1 on a read error (reported). */
static long long count_fd(int fd, const char *name) {
    unsigned long long total = 0;
    size_t held = 0; /* bytes of an unfinished line carried over from the previous block */
    int out_of_order = 0;
    grow(4 * BLOCK);
    for (;;) {
        if (capacity - held < BLOCK) grow(held + BLOCK);
        ssize_t n = read(fd, buffer + held, capacity - held);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "hs-count: %s: %s\n", name, strerror(errno));
            return -1;
        }
        size_t have = held + (size_t)n;
        size_t cut;
        if (n == 0) {
            cut = have; /* end of input: the last line may lack its newline */
        } else {
            const char *last = NULL;
            for (size_t i = have; i > held; i--) {
                if (buffer[i - 1] == '\n') {
                    last = buffer + i - 1;
                    break;
                }
            }
            if (!last) {
                /* No newline in what was just read: hold all of it and read on. */
                held = have;
                continue;
            }
            cut = (size_t)(last - buffer) + 1;
        }
        if (cut > 0) {
            struct state s = {buffer, cut, 0, 0, 0, 0};
            size_t offset = 0;
            /* hs_scan takes an unsigned int length; cut blocks are far smaller unless one line is gigantic. */
            while (offset < cut) {
                size_t len = cut - offset;
                if (len > 0x7fffffffu) len = 0x7fffffffu;
                s.data = buffer + offset;
                s.length = len;
                s.counted_until = 0;
                s.last_end = 0;
                if (hs_scan(database, s.data, (unsigned int)len, 0, scratch, on_match, &s) != HS_SUCCESS) {
                    fprintf(stderr, "hs-count: %s: hs_scan failed\n", name);
                    return -1;
                }
                offset += len;
            }
            total += s.count;
            out_of_order |= s.out_of_order;
        }
        if (n == 0) break;
        held = have - cut;
        memmove(buffer, buffer + cut, held);
    }
    if (out_of_order) fprintf(stderr, "hs-count: %s: matches came out of end-offset order; count may be low\n", name);
    return (long long)total;
}

static void count_path(const char *path) {
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "hs-count: %s: %s\n", path, strerror(errno));
        failed = 1;
        return;
    }
    long long n = count_fd(fd, fd == 0 ? "(standard input)" : path);
    if (fd != 0) close(fd);
    if (n < 0) {
        failed = 1;
        return;
    }
    if (n > 0) any_match = 1;
    if (with_names)
        printf("%s:%lld\n", fd == 0 ? "(standard input)" : path, n);
    else
        printf("%lld\n", n);
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st, (void)ftw;
    if (type == FTW_F) count_path(path);
    else if (type == FTW_DNR || type == FTW_NS) {
        fprintf(stderr, "hs-count: %s: cannot read\n", path);
        failed = 1;
    }
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: hs-count [-o] -f LITERALS [FILE | DIR | -] ...\n");
    exit(2);
}

static void compile(const char *file) {
    FILE *in = fopen(file, "rb");
    if (!in) {
        fprintf(stderr, "hs-count: %s: %s\n", file, strerror(errno));
        exit(2);
    }
    char **exprs = NULL;
    size_t *lens = NULL;
    unsigned *ids = NULL, *flags = NULL;
    size_t count = 0, cap = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, in)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') len--;
        if (len == 0) continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 256;
            exprs = realloc(exprs, cap * sizeof *exprs);
            lens = realloc(lens, cap * sizeof *lens);
            ids = realloc(ids, cap * sizeof *ids);
            flags = realloc(flags, cap * sizeof *flags);
            if (!exprs || !lens || !ids || !flags) {
                fprintf(stderr, "hs-count: out of memory\n");
                exit(2);
            }
        }
        exprs[count] = malloc((size_t)len);
        if (!exprs[count]) exit(2);
        memcpy(exprs[count], line, (size_t)len);
        lens[count] = (size_t)len;
        ids[count] = (unsigned)count;
        flags[count] = 0;
        count++;
    }
    free(line);
    fclose(in);
    if (count == 0) {
        fprintf(stderr, "hs-count: %s holds no literal\n", file);
        exit(2);
    }
    hs_compile_error_t *error = NULL;
    if (hs_compile_lit_multi((const char *const *)exprs, flags, ids, lens, (unsigned)count, HS_MODE_BLOCK, NULL,
                             &database, &error) != HS_SUCCESS) {
        fprintf(stderr, "hs-count: compiling %zu literals failed: %s\n", count, error ? error->message : "?");
        exit(2);
    }
    if (hs_alloc_scratch(database, &scratch) != HS_SUCCESS) {
        fprintf(stderr, "hs-count: hs_alloc_scratch failed\n");
        exit(2);
    }
    for (size_t i = 0; i < count; i++) free(exprs[i]);
    free(exprs), free(lens), free(ids), free(flags);
}

int main(int argc, char **argv) {
    const char *literals = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "of:")) != -1) {
        switch (opt) {
        case 'o': count_occurrences = 1; break;
        case 'f': literals = optarg; break;
        default: usage();
        }
    }
    if (!literals) usage();
    if (hs_valid_platform() != HS_SUCCESS) {
        fprintf(stderr, "hs-count: this CPU lacks the instructions Hyperscan needs (SSSE3)\n");
        return 2;
    }
    compile(literals);

    int paths = argc - optind;
    with_names = paths > 1;
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) with_names = 1;
    }
    if (paths == 0) count_path("-");
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (nftw(argv[i], visit, 64, FTW_PHYS) != 0) {
                fprintf(stderr, "hs-count: %s: %s\n", argv[i], strerror(errno));
                failed = 1;
            }
        } else {
            count_path(argv[i]);
        }
    }
    if (fflush(stdout) != 0) failed = 1;
    hs_free_scratch(scratch);
    hs_free_database(database);
    return failed ? 2 : any_match ? 0 : 1;
}
