/* BROKEN ON PURPOSE: stage2.c with one bug a student could make: the broadcast skips
 * the sender ("it typed it, it knows"), so every message goes to everyone BUT its sender.
 * The first failure a grader should report: broadcasts_to_everyone, step 1 (connecting A:
 * A's own "A joins" never comes back to A). Everything else is stage2.c unchanged.
 */
/* A correct stage 2 chat server in C: what the notes' stage 2 (a thread per client, every
 * message to every client behind a header) is for, done without CPython's accidents.
 *
 * Build: gcc -O2 -pthread -o stage2 stage2.c      Run: ./stage2 PORT  (or $PORT)
 *
 * Design: one thread, poll(), non-blocking sockets, an output queue per client.
 * Framing: CHUNKS, like the notes' recv(1024) but 4096 bytes: whatever one recv(4096)
 * returns is one message, bytes forwarded as they came (no decoding: invalid UTF-8, or a
 * character cut at the chunk's end, is just forwarded). So a 5000-byte line goes out as
 * two messages (4096 + 904 bytes), and two lines sent at once usually as one.
 *   wire:  "%Y%m/%d %H:%M:%S ip:port\n" (local time, the sender's address) + chunk + "\n",
 *          to every client, the sender included.
 *   `quit` is text like any other (stage 2 has no commands), and so is a blank line.
 *   a client that closes, half-closes or resets is removed quietly (no empty broadcast).
 *   a client that never reads gets a queue of at most 256 MiB, then it is disconnected;
 *          nobody else waits for it.
 *   no console (stage 2 has none): it runs until it is killed (SIGINT, SIGTERM).
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

struct buf {
    char *p;
    size_t off, len, cap; /* live bytes are p[off..len) */
};

struct client {
    int fd;
    char addr[64];
    struct buf out;
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

static void broadcast(const struct client *from, const char *msg, size_t len) {
    for (size_t i = 0; i < nclients; i++) {
        struct client *c = clients[i];
        if (c->dead || c == from) continue; /* the bug: not to the sender */
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
    broadcast(from, msg, h + len + 1);
    free(msg);
}

static void read_client(struct client *c) {
    char chunk[4096];
    for (int rounds = 0; rounds < 64; rounds++) { /* then the others get their turn */
        ssize_t n = recv(c->fd, chunk, sizeof chunk, 0);
        if (n > 0) {
            send_message(c, chunk, (size_t)n);
            if (c->dead) return;
        } else if (n == 0) {
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

    struct pollfd *pfd = NULL;
    size_t cappfd = 0;
    for (;;) {
        size_t n = 0, need = nclients + 1;
        if (need > cappfd) {
            cappfd = need * 2;
            pfd = realloc(pfd, cappfd * sizeof *pfd);
            if (!pfd) die("realloc");
        }
        pfd[n++] = (struct pollfd){.fd = lfd, .events = POLLIN};
        for (size_t i = 0; i < nclients; i++) {
            struct client *c = clients[i];
            short ev = POLLIN;
            if (c->out.off < c->out.len) ev |= POLLOUT;
            pfd[n++] = (struct pollfd){.fd = c->fd, .events = ev};
        }
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        /* pfd[1 + i] belongs to clients[i] as they were before this round. */
        size_t before = nclients;
        for (size_t i = 0; i < before; i++) {
            struct client *c = clients[i];
            short re = pfd[1 + i].revents;
            if ((re & (POLLIN | POLLERR | POLLHUP)) && !c->dead) read_client(c);
            if (re & POLLOUT) flush_client(c);
        }
        for (size_t i = nclients; i-- > 0;)
            if (clients[i]->dead) drop(i);
        if (pfd[0].revents & POLLIN) accept_all(lfd);
    }
}
