/* A correct stage 7 chat server in C: what the notes' stage 7 (makefile + readline,
 * try/except, console quit) is for, done without CPython's accidents.
 *
 * Build: gcc -O2 -pthread -o stage7 stage7.c      Run: ./stage7 PORT  (or $PORT)
 *
 * Design: one thread, poll(), non-blocking sockets, a growing input buffer and an output
 * queue per client. Framing: LINES. Every complete line (its '\n' included, a '\r' before
 * it KEPT as sent) is one message, however long (no limit: a 16 MiB line goes through);
 * several lines in one segment are several messages; a last line without '\n' is sent
 * when its client closes, as header + line + "\n". Bytes are forwarded as they came (no
 * decoding: invalid UTF-8 is just forwarded).
 *   wire:  "%Y%m/%d %H:%M:%S ip:port\n" (local time, the sender's address) + line + "\n",
 *          to every client, the sender included.
 *   a line that strips to "quit": its client is removed and closed, nothing broadcast, and
 *          what follows it in the same segment is dropped.
 *   a blank line is a message like any other (the notes disconnect on it only because ''
 *          was their test for a closed peer).
 *   a client that closes, half-closes or resets is removed quietly (no empty broadcast).
 *   a client that never reads gets a queue of at most 256 MiB, then it is disconnected;
 *          nobody else waits for it.
 *   console (stdin): ">> " prompt; `quit` flushes what it can, closes every connection
 *          (every client sees EOF) and ends the program at once. Other lines print the
 *          number of clients. Stdin at EOF: the console is gone, the chat goes on.
 * Logs go to stderr, in its own words.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_QUEUED ((size_t)256 << 20)
#define CHUNK 65536

struct buf {
    char *p;
    size_t off, len, cap; /* live bytes are p[off..len) */
};

struct client {
    int fd;
    char addr[64];
    struct buf in, out;
    size_t scanned; /* in: bytes from off already known to hold no '\n' */
    int leaving;    /* quit: no more input, close once the queue is sent */
    int dead;
};

static struct client **clients;
static size_t nclients, capclients;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void buf_reserve(struct buf *b, size_t more) {
    if (b->off > 0 && b->off == b->len) b->off = b->len = 0;
    if (b->len + more <= b->cap) return;
    if (b->off > 0) { /* compact first */
        memmove(b->p, b->p + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
        if (b->len + more <= b->cap) return;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) die("realloc");
    b->p = p;
    b->cap = cap;
}

static void buf_free(struct buf *b) {
    free(b->p);
    memset(b, 0, sizeof *b);
}

static void logf_(const char *fmt, const char *addr) {
    fprintf(stderr, fmt, addr);
    fputc('\n', stderr);
}

/* Sends what can be sent now; marks the client dead on a real error. */
static void flush_client(struct client *c) {
    while (!c->dead && c->out.off < c->out.len) {
        ssize_t n = send(c->fd, c->out.p + c->out.off, c->out.len - c->out.off, MSG_NOSIGNAL);
        if (n > 0) {
            c->out.off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            c->dead = 1;
        }
    }
    if (c->out.off == c->out.len) c->out.off = c->out.len = 0;
}

static void broadcast(const char *msg, size_t len) {
    for (size_t i = 0; i < nclients; i++) {
        struct client *c = clients[i];
        if (c->dead || c->leaving) continue;
        if (c->out.len - c->out.off + len > MAX_QUEUED) {
            logf_("%s does not read: disconnected", c->addr);
            c->dead = 1;
            continue;
        }
        buf_reserve(&c->out, len);
        memcpy(c->out.p + c->out.len, msg, len);
        c->out.len += len;
        flush_client(c);
    }
}

static void send_message(struct client *from, const char *body, size_t len) {
    char head[128];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    size_t h = strftime(head, sizeof head, "%Y%m/%d %H:%M:%S ", &tm);
    h += (size_t)snprintf(head + h, sizeof head - h, "%s\n", from->addr);
    char *msg = malloc(h + len + 1);
    if (!msg) die("malloc");
    memcpy(msg, head, h);
    memcpy(msg + h, body, len);
    msg[h + len] = '\n';
    broadcast(msg, h + len + 1);
    free(msg);
}

static int strips_to(const char *p, size_t len, const char *word) {
    while (len && strchr(" \t\r\n\v\f", p[0])) p++, len--;
    while (len && strchr(" \t\r\n\v\f", p[len - 1])) len--;
    return len == strlen(word) && memcmp(p, word, len) == 0;
}

/* Takes every complete line out of the client's input. */
static void take_lines(struct client *c) {
    struct buf *in = &c->in;
    while (!c->leaving && !c->dead) {
        size_t from = in->off + c->scanned;
        char *nl = memchr(in->p + from, '\n', in->len - from);
        if (!nl) {
            c->scanned = in->len - in->off;
            return;
        }
        char *line = in->p + in->off;
        size_t len = (size_t)(nl - line) + 1;
        in->off += len;
        c->scanned = 0;
        if (strips_to(line, len, "quit")) {
            logf_("%s quits", c->addr);
            c->leaving = 1;
            in->off = in->len = 0;
            return;
        }
        send_message(c, line, len);
    }
}

static void read_client(struct client *c) {
    for (int rounds = 0; rounds < 64; rounds++) { /* then the others get their turn */
        buf_reserve(&c->in, CHUNK);
        ssize_t n = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len, 0);
        if (n > 0) {
            c->in.len += (size_t)n;
            take_lines(c);
            if (c->leaving || c->dead) return;
            if ((size_t)n < CHUNK) return; /* drained for now */
            continue;
        } else if (n == 0) {
            if (c->in.len > c->in.off) /* a last line without '\n' */
                send_message(c, c->in.p + c->in.off, c->in.len - c->in.off);
            logf_("%s left", c->addr);
            c->dead = 1;
            return;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return;
        } else {
            fprintf(stderr, "%s: %s; removed\n", c->addr, strerror(errno));
            c->dead = 1;
            return;
        }
    }
}

static void drop(size_t i) {
    struct client *c = clients[i];
    close(c->fd);
    buf_free(&c->in);
    buf_free(&c->out);
    free(c);
    clients[i] = clients[--nclients];
}

static void accept_all(int lfd) {
    for (;;) {
        struct sockaddr_in sa;
        socklen_t sl = sizeof sa;
        int fd = accept4(lfd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN, or out of descriptors: try again on the next poll */
        }
        struct client *c = calloc(1, sizeof *c);
        if (!c) die("calloc");
        c->fd = fd;
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof ip);
        snprintf(c->addr, sizeof c->addr, "%s:%u", ip, ntohs(sa.sin_port));
        if (nclients == capclients) {
            capclients = capclients ? capclients * 2 : 16;
            clients = realloc(clients, capclients * sizeof *clients);
            if (!clients) die("realloc");
        }
        clients[nclients++] = c;
        logf_("%s joins", c->addr);
    }
}

/* Console quit: whatever is queued goes out if it can, then every connection is closed
 * (unread input is drained first, so that the close is a FIN, not a reset). */
static void stop_all(int lfd) {
    close(lfd);
    for (size_t i = 0; i < nclients; i++) {
        struct client *c = clients[i];
        flush_client(c);
        char sink[4096];
        for (int k = 0; k < 1024 && recv(c->fd, sink, sizeof sink, 0) > 0; k++) {
        }
        shutdown(c->fd, SHUT_WR);
        close(c->fd);
    }
    fprintf(stderr, "stopped\n");
    exit(0);
}

static int listen_on(const char *port_text) {
    char *end;
    long port = strtol(port_text, &end, 10);
    if (*end || port <= 0 || port > 65535) {
        fprintf(stderr, "bad port: %s\n", port_text);
        exit(2);
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
    if (listen(fd, 128) < 0) die("listen");
    return fd;
}

int main(int argc, char **argv) {
    const char *port = argc > 1 ? argv[1] : getenv("PORT");
    int lfd = listen_on(port ? port : "60000");
    signal(SIGPIPE, SIG_IGN);
    int console = 1;
    char cmd[256];
    size_t cmdlen = 0;
    printf(">> ");
    fflush(stdout);

    struct pollfd *pfd = NULL;
    size_t cappfd = 0;
    for (;;) {
        size_t n = 0, need = nclients + 2;
        if (need > cappfd) {
            cappfd = need * 2;
            pfd = realloc(pfd, cappfd * sizeof *pfd);
            if (!pfd) die("realloc");
        }
        pfd[n++] = (struct pollfd){.fd = lfd, .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = console ? 0 : -1, .events = POLLIN};
        for (size_t i = 0; i < nclients; i++) {
            struct client *c = clients[i];
            short ev = c->leaving ? 0 : POLLIN;
            if (c->out.off < c->out.len) ev |= POLLOUT;
            pfd[n++] = (struct pollfd){.fd = c->fd, .events = ev};
        }
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        if (pfd[1].revents) {
            ssize_t r = read(0, cmd + cmdlen, sizeof cmd - 1 - cmdlen);
            if (r > 0) {
                cmdlen += (size_t)r;
                char *nl;
                while ((nl = memchr(cmd, '\n', cmdlen))) {
                    size_t len = (size_t)(nl - cmd) + 1;
                    if (strips_to(cmd, len, "quit")) stop_all(lfd);
                    printf("%zu clients\n>> ", nclients);
                    fflush(stdout);
                    memmove(cmd, cmd + len, cmdlen - len);
                    cmdlen -= len;
                }
                if (cmdlen == sizeof cmd - 1) cmdlen = 0; /* an overlong command: dropped */
            } else if (r == 0 || errno != EINTR) {
                console = 0; /* no console any more; the chat goes on */
            }
        }
        /* pfd[2 + i] belongs to clients[i] as they were before this round. */
        size_t before = nclients;
        for (size_t i = 0; i < before; i++) {
            struct client *c = clients[i];
            short re = pfd[2 + i].revents;
            if (re & (POLLIN | POLLERR | POLLHUP)) {
                if (!c->leaving && !c->dead) read_client(c);
                else if (re & (POLLERR | POLLHUP)) c->dead = 1;
            }
            if (re & POLLOUT) flush_client(c);
        }
        for (size_t i = nclients; i-- > 0;) {
            struct client *c = clients[i];
            if (c->leaving && !c->dead && c->out.off == c->out.len) {
                shutdown(c->fd, SHUT_WR);
                c->dead = 1;
            }
            if (c->dead) drop(i);
        }
        if (pfd[0].revents & POLLIN) accept_all(lfd);
    }
}
