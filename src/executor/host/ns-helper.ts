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
 * `r` binds read-only. OP `o LAYER /` gives the container a private root: an overlay over the
 * host's `/` (its writes go to LAYER/upper, LAYER/work is overlayfs's own) mounted on LAYER
 * itself, the host's other mounts (/proc, /dev, /sys, ...) bound into it, and the command
 * chrooted there; later targets are inside it. The helper makes LAYER and its folders where they
 * are missing: here, in the container's own process, they cost the runtime's thread nothing.
 * OP `t SOURCE TARGET` binds as `b` does, making the folder SOURCE first where it is missing.
 * OP `h - TARGET` covers TARGET with an empty tmpfs (what the container must not see); OP `e SOURCE
 * TARGET` then shows SOURCE, if it exists, read-only at TARGET, making the folders TARGET needs.
 * OP `u UID GID` runs the command as that user and group (securityContext.runAsUser/runAsGroup).
 * OP `R - /` makes the private root read-only once everything is bound into it (the binds keep their
 * own mode), for securityContext.readOnlyRootFilesystem.
 * The command gets SIGKILL if the runtime dies (PR_SET_PDEATHSIG). Exit codes follow container
 * runtimes: 125 setup failed, 126 not executable, 127 not found.
 */
export const NS_HELPER_SOURCE = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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

/* The host's mount points other than /, topmost first; read before the overlay is mounted. */
static char **host_mounts(size_t *count) {
  FILE *f = fopen("/proc/self/mountinfo", "r");
  char **list = NULL, line[8192];
  size_t n = 0;
  if (!f) return NULL;
  while (fgets(line, sizeof line, f)) {
    char *field = line, *point = NULL;
    for (int k = 0; k < 5 && field; k++) {
      point = field;
      field = strchr(field, ' ');
      if (field) *field++ = 0;
    }
    /* Escaped names (spaces) are rare in mount points; they are left out. */
    if (!point || !field || strcmp(point, "/") == 0 || strchr(point, '\\')) continue;
    int covered = 0;
    for (size_t k = 0; k < n && !covered; k++) {
      size_t len = strlen(list[k]);
      covered = strncmp(point, list[k], len) == 0 && (point[len] == '/' || point[len] == 0);
    }
    if (covered) continue;
    list = realloc(list, (n + 1) * sizeof *list);
    if (!list) break;
    list[n++] = strdup(point);
  }
  fclose(f);
  *count = list ? n : 0;
  return list;
}

/*
 * Makes the folders TARGET needs and, when missing, TARGET itself (a folder, or an empty file where
 * SOURCE is a file). In a private root these land in the container's upper layer, so a bind may
 * name any path, as a container runtime makes mount points in the container's own root.
 */
static void make_mount_point(const char *source, char *target) {
  struct stat st;
  for (char *slash = target + 1; (slash = strchr(slash, '/')); slash++) {
    *slash = 0;
    mkdir(target, 0755);
    *slash = '/';
  }
  if (lstat(target, &st) == 0) return;
  if (source && stat(source, &st) == 0 && !S_ISDIR(st.st_mode)) {
    int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
  } else {
    mkdir(target, 0755);
  }
}

/*
 * Writes to OUT the path PATH names inside ROOT, as a chroot into ROOT would resolve it: symbolic
 * links, absolute ones included, stay inside ROOT (Debian's /var/run -> /run would otherwise lead a
 * bind onto the host's /run, outside the container's root). Components that do not exist yet are
 * taken as they are.
 */
static int in_root(const char *root, const char *path, char *out, size_t size) {
  char rest[2 * PATH_MAX], cur[2 * PATH_MAX] = "";
  int hops = 0;
  snprintf(rest, sizeof rest, "%s", path);
  const char *p = rest;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    size_t len = strcspn(p, "/");
    char comp[NAME_MAX + 1];
    snprintf(comp, sizeof comp, "%.*s", (int)len, p);
    p += len;
    if (strcmp(comp, ".") == 0) continue;
    if (strcmp(comp, "..") == 0) {
      char *slash = strrchr(cur, '/');
      if (slash) *slash = 0;
      continue;
    }
    char full[5 * PATH_MAX], link[PATH_MAX];
    snprintf(full, sizeof full, "%s%s/%s", root, cur, comp);
    ssize_t n = readlink(full, link, sizeof link - 1);
    if (n > 0) {
      if (++hops > 40) {
        errno = ELOOP;
        return -1;
      }
      link[n] = 0;
      char next[3 * PATH_MAX];
      snprintf(next, sizeof next, "%s/%s", link, p);
      if (link[0] == '/') cur[0] = 0;
      snprintf(rest, sizeof rest, "%s", next);
      p = rest;
      continue;
    }
    size_t used = strlen(cur);
    snprintf(cur + used, sizeof cur - used, "/%s", comp);
  }
  snprintf(out, size, "%s%s", root, cur[0] ? cur : "/");
  return 0;
}

/* Makes the folder DIR unless it exists. */
static int folder(const char *dir) {
  return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : fail("mkdir", dir);
}

/*
 * Mounts the overlay root on LAYER (over its upper/ and work/, which stay reachable to overlayfs)
 * and binds the host's other mounts into it; writes its path to root.
 */
static int overlay_root(const char *layer, char *root) {
  char upper[PATH_MAX], work[PATH_MAX], opts[3 * PATH_MAX + 64], mnt[PATH_MAX];
  size_t count = 0;
  char **mounts = host_mounts(&count);
  if (folder(layer) != 0) return 125;
  if (!realpath(layer, mnt)) return fail("overlay", layer);
  snprintf(upper, sizeof upper, "%s/upper", mnt);
  snprintf(work, sizeof work, "%s/work", mnt);
  if (folder(upper) != 0 || folder(work) != 0) return 125;
  snprintf(root, PATH_MAX, "%s", mnt);
  snprintf(opts, sizeof opts, "lowerdir=/,upperdir=%s,workdir=%s", upper, work);
  if (mount("overlay", root, "overlay", 0, opts) != 0) return fail("overlay", root);
  for (size_t k = 0; k < count; k++) {
    char target[PATH_MAX];
    snprintf(target, sizeof target, "%s%s", root, mounts[k]);
    /* A mount point of the pod's own layer, or one the overlay does not show, is not needed. */
    if (strncmp(mounts[k], mnt, strlen(mnt)) == 0) continue;
    if (mount(mounts[k], target, NULL, MS_BIND | MS_REC, NULL) != 0 && errno != ENOENT && errno != ENOTDIR)
      return fail("bind", mounts[k]);
  }
  return 0;
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
  char root[PATH_MAX] = "", target[2 * PATH_MAX];
  long run_uid = -1, run_gid = -1;
  int read_only_root = 0;
  for (; i + 2 < argc && strcmp(argv[i], "--") != 0; i += 3) {
    const char *source = argv[i + 1];
    if (!root[0]) snprintf(target, sizeof target, "%s", argv[i + 2]);
    else if (in_root(root, argv[i + 2], target, sizeof target) != 0) return fail("resolve", argv[i + 2]);
    if (argv[i][0] == 'o') {
      if (root[0]) return fail("overlay", "twice");
      int failed = overlay_root(source, root);
      if (failed) return failed;
      continue;
    }
    if (argv[i][0] == 'h') {
      if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755") != 0 && errno != ENOENT)
        return fail("hide", target);
      continue;
    }
    if (argv[i][0] == 'e') {
      if (access(source, F_OK) != 0) continue;
      make_mount_point(NULL, target);
    }
    if (argv[i][0] == 'R') {
      read_only_root = 1;
      continue;
    }
    if (argv[i][0] == 'u') {
      run_uid = strtol(argv[i + 1], NULL, 10);
      run_gid = strtol(argv[i + 2], NULL, 10);
      continue;
    }
    if (argv[i][0] == 't' && folder(source) != 0) return 125;
    if (root[0]) make_mount_point(source, target);
    if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) != 0) return fail("bind", target);
    if ((argv[i][0] == 'r' || argv[i][0] == 'e') &&
        mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags(target), NULL) != 0)
      return fail("read-only", target);
  }
  if (i + 1 >= argc || strcmp(argv[i], "--") != 0) {
    fprintf(stderr, "argo-ns: missing -- FILE\n");
    return 125;
  }
  if (read_only_root && root[0] && mount(NULL, root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
    return fail("read-only", root);
  if (root[0] && (chdir(root) != 0 || chroot(".") != 0)) return fail("chroot", root);
  if (chdir(argv[3]) != 0) return fail("chdir", argv[3]);
  if (run_gid >= 0 && (setgroups(0, NULL) != 0 || setgid((gid_t)run_gid) != 0)) return fail("setgid", "runAsGroup");
  if (run_uid >= 0 && setuid((uid_t)run_uid) != 0) return fail("setuid", "runAsUser");
  execvp(argv[i + 1], argv + i + 1);
  int code = errno == ENOENT ? 127 : 126;
  fprintf(stderr, "argo-ns: exec %s: %s\n", argv[i + 1], strerror(errno));
  return code;
}
`;

/** The helper's path under `dir`, compiled on first use; undefined when no compiler works. */
export function buildNamespaceHelper(dir: string): Promise<string | undefined> {
  return compileHelper(dir, 'argo-ns', NS_HELPER_SOURCE);
}
