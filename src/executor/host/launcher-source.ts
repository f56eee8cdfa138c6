// The C source of argo-launch, the process that starts containers for the host runtime. Forking
// from Node blocks its event loop until the child has exec'd, and costs more the larger Node's
// memory is: with a few containers starting at once that was most of the runtime's time. This
// small process forks cheaply, on its own core, and relays each child's output and exit.
//
// Protocol, every integer little-endian u32:
//   in  (stdin):  LEN, then 'L' ID NARGS NENV CWD\0 FILE\0 ARG\0 (NARGS, argv[0] first) ENV\0 (NENV, K=V)
//   out (stdout): TYPE ID LEN DATA
//     'S' started (DATA: pid, also the process group: each child gets its own session)
//     'F' could not start (DATA: errno)
//     'O' / 'E' a chunk of stdout / stderr
//     'X' exited (DATA: wait status); the rest of its process group has been killed by then
//     'C' both pipes closed (or given up on 2 s after the exit: a daemon that left the group)
//   in  (stdin):  LEN, then 'K': kill every child's process group and exit (the runtime stops them)
// When stdin closes or stdout breaks (the runtime went away), the helper exits and leaves its
// children running: each container runs under its shim (shim-source.ts), which a restarted
// runtime adopts; the runtime that means them to end says so with 'K'.
export const LAUNCHER_SOURCE = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GRACE_MS 2000
#define CHUNK 65536

extern char **environ;

struct child { uint32_t id; pid_t pid; int out, err, exited, closed; long long close_by; };
static struct child *kids;
static size_t nkids, capkids;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void le32(unsigned char *p, uint32_t v) {
  p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static uint32_t rd32(const unsigned char *p) {
  return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void kill_all(void) {
  for (size_t i = 0; i < nkids; i++) if (!kids[i].exited) kill(-kids[i].pid, SIGKILL);
}

static void put(char type, uint32_t id, const void *data, uint32_t len) {
  unsigned char head[9];
  head[0] = (unsigned char)type;
  le32(head + 1, id);
  le32(head + 5, len);
  struct iovec iov[2] = {{head, 9}, {(void *)data, len}};
  size_t left = 9 + (size_t)len;
  int n = 2;
  struct iovec *v = iov;
  while (left > 0) {
    ssize_t w = writev(1, v, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      _exit(0);
    }
    left -= (size_t)w;
    while (n > 0 && (size_t)w >= v->iov_len) { w -= (ssize_t)v->iov_len; v++; n--; }
    if (n > 0) { v->iov_base = (char *)v->iov_base + w; v->iov_len -= (size_t)w; }
  }
}

static void put32(char type, uint32_t id, uint32_t value) {
  unsigned char b[4];
  le32(b, value);
  put(type, id, b, 4);
}

static void forget(size_t i) {
  kids[i] = kids[--nkids];
}

/* Sends 'C' once both pipes are closed; drops the child once it is also reaped. */
static int settle(size_t i) {
  struct child *k = &kids[i];
  if (!k->closed && k->out < 0 && k->err < 0) {
    k->closed = 1;
    put('C', k->id, NULL, 0);
  }
  if (!k->closed || !k->exited) return 0;
  forget(i);
  return 1;
}

static void launch(uint32_t id, char *cwd, char *file, char **argv, char **envp) {
  int out[2] = {-1, -1}, err[2] = {-1, -1}, ex[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(ex, O_CLOEXEC)) {
    int e = errno;
    int fds[] = {out[0], out[1], err[0], err[1], ex[0], ex[1]};
    for (int i = 0; i < 6; i++) if (fds[i] >= 0) close(fds[i]);
    put32('F', id, (uint32_t)e);
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    setsid();
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) goto failed;
    if (*cwd && chdir(cwd) != 0) goto failed;
    environ = envp;
    execvp(file, argv);
  failed:;
    int e = errno;
    ssize_t w = write(ex[1], &e, sizeof e);
    (void)w;
    _exit(127);
  }
  int e = errno;
  close(out[1]);
  close(err[1]);
  close(ex[1]);
  if (pid < 0) {
    close(out[0]); close(err[0]); close(ex[0]);
    put32('F', id, (uint32_t)e);
    return;
  }
  /* The exec closes this pipe; a failed one writes its errno first. */
  ssize_t n;
  do n = read(ex[0], &e, sizeof e); while (n < 0 && errno == EINTR);
  close(ex[0]);
  if (n == (ssize_t)sizeof e) {
    waitpid(pid, NULL, 0);
    close(out[0]); close(err[0]);
    put32('F', id, (uint32_t)e);
    return;
  }
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  if (nkids == capkids) {
    capkids = capkids ? capkids * 2 : 64;
    kids = realloc(kids, capkids * sizeof *kids);
    if (!kids) _exit(70);
  }
  kids[nkids++] = (struct child){id, pid, out[0], err[0], 0, 0, 0};
  put32('S', id, (uint32_t)pid);
}

/* One request frame; a malformed one (the runtime never sends one) is answered EINVAL. */
static void request(unsigned char *p, uint32_t len) {
  if (len >= 1 && p[0] == 'K') {
    kill_all();
    _exit(0);
  }
  if (len < 13 || p[0] != 'L') return;
  uint32_t id = rd32(p + 1), nargs = rd32(p + 5), nenv = rd32(p + 9);
  if (nargs == 0 || nargs > len || nenv > len) {
    put32('F', id, EINVAL);
    return;
  }
  char **list = calloc((size_t)nargs + nenv + 2, sizeof *list);
  if (!list) _exit(70);
  char *s = (char *)p + 13, *end = (char *)p + len;
  char *fields[2];
  size_t want = 2 + (size_t)nargs + nenv, got = 0;
  for (; got < want && s < end; got++) {
    char *z = memchr(s, 0, (size_t)(end - s));
    if (!z) break;
    if (got < 2) fields[got] = s;
    else if (got < 2 + (size_t)nargs) list[got - 2] = s;
    else list[got - 1] = s;
    s = z + 1;
  }
  if (got == want && s == end) launch(id, fields[0], fields[1], list, list + nargs + 1);
  else put32('F', id, EINVAL);
  free(list);
}

static void reap(void) {
  for (;;) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
    pid_t pid = info.si_pid;
    /* While the leader is a zombie its group id cannot be reused: kill what it left behind. */
    kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    for (size_t i = 0; i < nkids; i++) {
      if (kids[i].pid != pid || kids[i].exited) continue;
      kids[i].exited = 1;
      kids[i].close_by = now_ms() + GRACE_MS;
      put32('X', kids[i].id, (uint32_t)status);
      settle(i);
      break;
    }
  }
}

static void drain(size_t i, int which, char *buf) {
  int *fd = which ? &kids[i].err : &kids[i].out;
  for (;;) {
    ssize_t n = read(*fd, buf, CHUNK);
    if (n > 0) { put(which ? 'E' : 'O', kids[i].id, buf, (uint32_t)n); continue; }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    close(*fd);
    *fd = -1;
    return;
  }
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) return 70;
  fcntl(0, F_SETFD, FD_CLOEXEC);
  fcntl(1, F_SETFD, FD_CLOEXEC);
  static char buf[CHUNK];
  unsigned char *in = NULL;
  size_t inlen = 0, incap = 0;
  struct pollfd *fds = NULL;
  size_t fdcap = 0;
  for (;;) {
    if (fdcap < 2 + 2 * nkids) {
      fdcap = 2 + 2 * capkids + 64;
      fds = realloc(fds, fdcap * sizeof *fds);
      if (!fds) _exit(70);
    }
    fds[0] = (struct pollfd){0, POLLIN, 0};
    fds[1] = (struct pollfd){sfd, POLLIN, 0};
    long long now = now_ms(), next = -1;
    for (size_t i = 0; i < nkids; i++) {
      fds[2 + 2 * i] = (struct pollfd){kids[i].out, POLLIN, 0};
      fds[3 + 2 * i] = (struct pollfd){kids[i].err, POLLIN, 0};
      if (kids[i].exited && !kids[i].closed && (next < 0 || kids[i].close_by < next)) next = kids[i].close_by;
    }
    int timeout = next < 0 ? -1 : (int)(next > now ? next - now : 0);
    size_t polled = nkids;
    if (poll(fds, 2 + 2 * polled, timeout) < 0 && errno != EINTR) return 70;
    /* Output first, so a child's last words go out before its exit. */
    for (size_t i = 0; i < polled; i++) {
      if (fds[2 + 2 * i].revents && kids[i].out >= 0) drain(i, 0, buf);
      if (fds[3 + 2 * i].revents && kids[i].err >= 0) drain(i, 1, buf);
    }
    for (size_t i = 0; i < nkids;)
      if (!settle(i)) i++;
    if (fds[1].revents) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) > 0) {}
      reap();
    }
    now = now_ms();
    for (size_t i = 0; i < nkids;) {
      struct child *k = &kids[i];
      if (k->exited && !k->closed && now >= k->close_by) {
        if (k->out >= 0) close(k->out);
        if (k->err >= 0) close(k->err);
        k->out = k->err = -1;
        if (settle(i)) continue;
      }
      i++;
    }
    if (fds[0].revents) {
      if (incap - inlen < CHUNK) {
        incap = incap ? incap * 2 : 2 * CHUNK;
        in = realloc(in, incap);
        if (!in) _exit(70);
      }
      ssize_t n = read(0, in + inlen, incap - inlen);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return 0;
      if (n > 0) inlen += (size_t)n;
      size_t off = 0;
      while (inlen - off >= 4) {
        uint32_t len = rd32(in + off);
        if (inlen - off - 4 < len) break;
        request(in + off + 4, len);
        off += 4 + (size_t)len;
      }
      memmove(in, in + off, inlen - off);
      inlen -= off;
    }
  }
}
`;
