// The C source of argo-shim, the per-container supervisor (as containerd's shim is to a
// container): it holds the container's output pipes and waits for its exit, so neither depends on
// the runtime process. When the runtime (or the whole controller) dies, the container runs on; its
// log lines, the tail of its stdout and its exit status land in files a restarted runtime reads.
//
// Usage: argo-shim [-n] DIR LOGFILE CAPTURE FILE [ARG]...  (argv[0] of the command is FILE)
// With -n, FILE and ARGs are argo-ns's command line (ns-helper.ts), whose work the command's
// process does itself before it execs the container's command: one exec fewer per container. The
// shim's source is compiled after argo-ns's, whose main is renamed argo_ns_main (see shim.ts).
// The shim is the leader of the container's process group (whoever starts it gives it its own
// session), so the runtime's signals to the group reach the command; the shim itself ignores the
// catchable ones and dies only of SIGKILL. It writes, in DIR:
//   pid      "PID STARTTICKS\n" before the command starts (STARTTICKS: field 22 of /proc/PID/stat,
//            so a reader tells the shim from a later process that reused its pid)
//   stdout   the last CAPTURE bytes of stdout (only when CAPTURE > 0), before `exit`
//   exit     "status W\n" (W: the command's wait status), "error ERRNO\n" (it could not be
//            started) or "logerror ERRNO W LOGFILE\n" (writing the log failed, see below); written
//            last, by rename, so a reader sees it whole or not at all
// Every line of stdout and stderr is appended to LOGFILE as the kubelet writes it: an RFC 3339
// timestamp with nanoseconds, a space, the line (split at 16 KiB). When the command exits, what it
// left in its group is killed (a container ends with its first process), the pipes get a second to
// drain, then the files are written and the shim exits with the command's code (128+N for signal N).
// The shim is its command's subreaper: what the command leaves running comes to the shim, so a
// shim with no children left knows at once that nothing of the container remains to be killed.
// When a log write fails (a full disk, an I/O error), the container is killed, as a kubelet evicts
// a pod that fills its node: its output has nowhere to go. What it appended beyond the first
// LOG_KEEP bytes is cut off again, so the space it filled is free for the runtime to record why.
export const SHIM_SOURCE = String.raw`#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINE 16384
#define GRACE_MS 1000
#define LOG_KEEP 65536

struct stream { int fd; char line[MAX_LINE]; size_t len; };

static const char *dir;
static int logfd = -1;
static const char *logpath;
static off_t log_start;
static int log_errno;
static pid_t command_pid = -1;
static long long anchor_ns;
static char *tail;
static size_t tail_cap, tail_len;

static long long mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Wall time from the monotonic clock anchored once: lines written in order never go back in time. */
static void stamp(char out[32]) {
  long long ns = anchor_ns + mono_ns();
  time_t secs = (time_t)(ns / 1000000000LL);
  struct tm tm;
  gmtime_r(&secs, &tm);
  size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, 32 - n, ".%09lldZ ", ns % 1000000000LL);
}

static void emit(const char *data, size_t len) {
  if (logfd < 0) return;
  char ts[32];
  stamp(ts);
  struct iovec iov[3] = {{ts, strlen(ts)}, {(void *)data, len}, {"\n", 1}};
  /* One append per line, so lines of the two streams never splice. */
  ssize_t w;
  do w = writev(logfd, iov, 3); while (w < 0 && errno == EINTR);
  if (w >= 0) return;
  log_errno = errno;
  off_t end = lseek(logfd, 0, SEEK_END);
  if (end > log_start + LOG_KEEP && ftruncate(logfd, log_start + LOG_KEEP) != 0) {}
  close(logfd);
  logfd = -1;
  if (command_pid > 0) kill(command_pid, SIGKILL);
}

static void feed(struct stream *s, const char *data, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (data[i] == '\n') { emit(s->line, s->len); s->len = 0; continue; }
    if (s->len == MAX_LINE) { emit(s->line, s->len); s->len = 0; }
    s->line[s->len++] = data[i];
  }
}

static void keep_tail(const char *data, size_t len) {
  if (tail_cap == 0) return;
  if (len >= tail_cap) { memcpy(tail, data + len - tail_cap, tail_cap); tail_len = tail_cap; return; }
  if (tail_len + len > tail_cap) {
    size_t drop = tail_len + len - tail_cap;
    memmove(tail, tail + drop, tail_len - drop);
    tail_len -= drop;
  }
  memcpy(tail + tail_len, data, len);
  tail_len += len;
}

static void drain(struct stream *s, int is_stdout) {
  static char buf[65536];
  for (;;) {
    ssize_t n = read(s->fd, buf, sizeof buf);
    if (n > 0) {
      feed(s, buf, (size_t)n);
      if (is_stdout) keep_tail(buf, (size_t)n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    close(s->fd);
    s->fd = -1;
    return;
  }
}

/* The exit file's space, taken at the start: on a disk the container then fills, the end is still told. */
static int exit_reserve = -1;
/*
 * Reserved beyond the file's end (KEEP_SIZE), the record is written with no truncation after it:
 * freeing the blocks it did not need took up to ms at a container's end on a busy disk (ext4 with
 * discard), where the runtime waits; they are freed when the run's record is removed instead.
 */
static int reserve_kept_size;

static void reserve_exit(void) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s/.exit.tmp", dir);
  exit_reserve = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (exit_reserve < 0) return;
  reserve_kept_size = fallocate(exit_reserve, FALLOC_FL_KEEP_SIZE, 0, 4352) == 0;
  if (!reserve_kept_size && posix_fallocate(exit_reserve, 0, 4352) != 0) {}
}

/* Writes DIR/NAME whole: to a temporary name first, then renamed. */
static void put_file(const char *name, const char *data, size_t len) {
  char tmp[4096], dst[4096];
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
  snprintf(dst, sizeof dst, "%s/%s", dir, name);
  int reserved = strcmp(name, "exit") == 0 && exit_reserve >= 0;
  int fd = reserved ? exit_reserve : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, data + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += (size_t)w;
  }
  if (reserved && !reserve_kept_size && ftruncate(fd, (off_t)off) != 0) {}
  close(fd);
  rename(tmp, dst);
}

static void put_text(const char *name, const char *fmt, long long a, long long b) {
  char text[128];
  int n = snprintf(text, sizeof text, fmt, a, b);
  put_file(name, text, (size_t)n);
}

static int subreaper;

/* Reaps the children that have ended: the command (whose status is kept) and its orphans. */
static int reap(pid_t command, int *status) {
  int found = 0, st;
  pid_t w;
  while ((w = waitpid(-1, &st, WNOHANG)) > 0)
    if (w == command) {
      *status = st;
      found = 1;
    }
  return found;
}

static long long start_ticks(void) {
  char stat[4096];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, stat, sizeof stat - 1);
  close(fd);
  if (n <= 0) return 0;
  stat[n] = 0;
  char *p = strrchr(stat, ')');
  if (!p) return 0;
  p += 2;
  /* After the command name: state is field 3, starttime field 22. */
  for (int field = 3; field < 22 && p; field++) { p = strchr(p, ' '); if (p) p++; }
  return p ? atoll(p) : 0;
}

/* Kills every other process of our group: what the command left behind when it exited. */
static void kill_rest(void) {
  /* Every process left of the command is a child of ours (we are its subreaper): with none, done. */
  if (subreaper && waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD) return;
  pid_t self = getpid(), group = getpgrp();
  for (int round = 0; round < 50; round++) {
    DIR *d = opendir("/proc");
    if (!d) return;
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
      pid_t pid = (pid_t)atoi(e->d_name);
      if (pid <= 0 || pid == self || getpgid(pid) != group) continue;
      char path[64], stat[512];
      snprintf(path, sizeof path, "/proc/%d/stat", pid);
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      ssize_t n = read(fd, stat, sizeof stat - 1);
      close(fd);
      if (n <= 0) continue;
      stat[n] = 0;
      char *p = strrchr(stat, ')');
      if (p && p[2] == 'Z') continue;
      kill(pid, SIGKILL);
      found = 1;
    }
    closedir(d);
    if (!found) return;
    usleep(2000);
  }
}

static const int IGNORED[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM};

int argo_ns_main(int argc, char **argv);

int main(int argc, char **argv) {
  int builtin_ns = argc > 1 && strcmp(argv[1], "-n") == 0;
  if (builtin_ns) {
    argc--;
    argv++;
  }
  if (argc < 5) {
    fprintf(stderr, "usage: argo-shim [-n] DIR LOGFILE CAPTURE FILE [ARG]...\n");
    return 125;
  }
  dir = argv[1];
  tail_cap = (size_t)strtoull(argv[3], NULL, 10);
  if (tail_cap > 0 && !(tail = malloc(tail_cap))) return 125;
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  anchor_ns = (long long)wall.tv_sec * 1000000000LL + wall.tv_nsec - mono_ns();
  for (size_t i = 0; i < sizeof IGNORED / sizeof *IGNORED; i++) signal(IGNORED[i], SIG_IGN);
  subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  put_text("pid", "%lld %lld\n", (long long)getpid(), start_ticks());
  reserve_exit();

  logpath = argv[2];
  logfd = open(logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (logfd >= 0) log_start = lseek(logfd, 0, SEEK_END);
  int out[2] = {-1, -1}, err[2] = {-1, -1}, ex[2] = {-1, -1};
  if (logfd < 0 || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(ex, O_CLOEXEC)) {
    put_text("exit", "error %lld\n", errno, 0);
    return 125;
  }
  sigset_t chld, none;
  sigemptyset(&chld);
  sigemptyset(&none);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  pid_t pid = fork();
  if (pid == 0) {
    /* Ignored signals would stay ignored across exec: the command gets the defaults. */
    for (size_t i = 0; i < sizeof IGNORED / sizeof *IGNORED; i++) signal(IGNORED[i], SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) _exit(125);
    /* argo-ns's exit codes (125 setup, 126/127 exec) are the container's, as when it ran on its own. */
    if (builtin_ns) _exit(argo_ns_main(argc - 4, argv + 4));
    execvp(argv[4], argv + 4);
    int e = errno;
    ssize_t w = write(ex[1], &e, sizeof e);
    (void)w;
    _exit(127);
  }
  int e = errno;
  command_pid = pid;
  close(out[1]);
  close(err[1]);
  close(ex[1]);
  if (pid < 0) {
    put_text("exit", "error %lld\n", e, 0);
    return 125;
  }
  /* The exec closes this pipe; a failed one writes its errno first. */
  ssize_t n;
  do n = read(ex[0], &e, sizeof e); while (n < 0 && errno == EINTR);
  close(ex[0]);
  if (n == (ssize_t)sizeof e) {
    waitpid(pid, NULL, 0);
    put_text("exit", "error %lld\n", e, 0);
    return e == ENOENT ? 127 : 126;
  }
  struct stream so = {out[0], {0}, 0}, se = {err[0], {0}, 0};
  fcntl(so.fd, F_SETFL, O_NONBLOCK);
  fcntl(se.fd, F_SETFL, O_NONBLOCK);
  int exited = 0, status = 0;
  long long give_up = 0;
  for (;;) {
    if (reap(pid, &status) && !exited) {
      exited = 1;
      command_pid = -1;
      kill_rest();
      /* A daemon that left the group may hold the pipes: do not wait for it for long. */
      give_up = mono_ns() / 1000000 + GRACE_MS;
    }
    if (so.fd < 0 && se.fd < 0) break;
    long long now = mono_ns() / 1000000;
    if (exited && now >= give_up) break;
    struct pollfd fds[3] = {{so.fd, POLLIN, 0}, {se.fd, POLLIN, 0}, {sfd, POLLIN, 0}};
    int timeout = exited ? (int)(give_up - now) : -1;
    if (poll(fds, 3, timeout) < 0 && errno != EINTR) break;
    if (so.fd >= 0 && fds[0].revents) drain(&so, 1);
    if (se.fd >= 0 && fds[1].revents) drain(&se, 0);
    if (fds[2].revents) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) > 0) {}
    }
  }
  if (!exited) {
    /* Both pipes closed while the command runs on. */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    command_pid = -1;
    kill_rest();
  }
  if (so.len) emit(so.line, so.len);
  if (se.len) emit(se.line, se.len);
  if (tail_cap > 0) put_file("stdout", tail, tail_len);
  if (log_errno) {
    char text[4200];
    int len = snprintf(text, sizeof text, "logerror %d %d %s\n", log_errno, status, logpath);
    put_file("exit", text, (size_t)len);
  } else {
    put_text("exit", "status %lld\n", status, 0);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
`;
