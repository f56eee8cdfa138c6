// A tiny C program that enters a private mount namespace, makes the pod's bind mounts and execs
// the container's command: one exec between the runtime and the command, where `unshare` + `sh`
// + one `mount` per bind costs several. Compiled once per argo home when a C compiler exists;
// without one the runtime falls back to the `unshare` shell prelude (see isolation.ts).
import { compileHelper } from './native-helper.js';

/**
 * Usage: argo-ns MODE BASEDIR WORKDIR [OP SOURCE TARGET]... -- FILE [ARG]...
 * MODE `root` unshares the mount namespace; `user` also a user namespace mapping the caller to
 * root. Sources are resolved from BASEDIR, which is entered first, so a later bind over a folder
 * that holds BASEDIR (e.g. /tmp) does not hide the remaining sources. OP `b` binds (recursively),
 * `r` binds read-only. The command gets SIGKILL if the runtime dies (PR_SET_PDEATHSIG). Exit
 * codes follow container runtimes: 125 setup failed, 126 not executable, 127 not found.
 */
const SOURCE = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int fail(const char *what, const char *arg) {
  fprintf(stderr, "argo-ns: %s %s: %s\n", what, arg, strerror(errno));
  return 125;
}

static int write_text(const char *file, const char *text) {
  int fd = open(file, O_WRONLY);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n < 0 ? -1 : 0;
}

static unsigned long locked_flags(const char *target) {
  struct statvfs sv;
  unsigned long flags = 0;
  if (statvfs(target, &sv) != 0) return 0;
  if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  return flags;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: argo-ns root|user BASEDIR WORKDIR [b|r SOURCE TARGET]... -- FILE [ARG]...\n");
    return 125;
  }
  int user = strcmp(argv[1], "user") == 0;
  unsigned uid = getuid(), gid = getgid();
  /* The container dies with the runtime that started it (which would kill it when taking over anyway). */
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return fail("prctl", "PR_SET_PDEATHSIG");
  if (getppid() != parent) return 125;
  if (unshare(CLONE_NEWNS | (user ? CLONE_NEWUSER : 0)) != 0) return fail("unshare", argv[1]);
  if (user) {
    char map[64];
    write_text("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", uid);
    if (write_text("/proc/self/uid_map", map) != 0) return fail("write", "uid_map");
    snprintf(map, sizeof map, "0 %u 1", gid);
    if (write_text("/proc/self/gid_map", map) != 0) return fail("write", "gid_map");
  }
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return fail("make private", "/");
  if (chdir(argv[2]) != 0) return fail("chdir", argv[2]);
  int i = 4;
  for (; i + 2 < argc && strcmp(argv[i], "--") != 0; i += 3) {
    const char *source = argv[i + 1], *target = argv[i + 2];
    if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) != 0) return fail("bind", target);
    if (argv[i][0] == 'r' &&
        mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags(target), NULL) != 0)
      return fail("read-only", target);
  }
  if (i + 1 >= argc || strcmp(argv[i], "--") != 0) {
    fprintf(stderr, "argo-ns: missing -- FILE\n");
    return 125;
  }
  if (chdir(argv[3]) != 0) return fail("chdir", argv[3]);
  execvp(argv[i + 1], argv + i + 1);
  int code = errno == ENOENT ? 127 : 126;
  fprintf(stderr, "argo-ns: exec %s: %s\n", argv[i + 1], strerror(errno));
  return code;
}
`;

/** The helper's path under `dir`, compiled on first use; undefined when no compiler works. */
export function buildNamespaceHelper(dir: string): Promise<string | undefined> {
  return compileHelper(dir, 'argo-ns', SOURCE);
}
