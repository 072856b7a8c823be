/*
 * The baseline of the rank benchmark: a plain C reader of the same /proc files, per
 * process, that `oomkit rank` reads (stat, status, oom_score_adj, oom_score, the stat of
 * each other thread, the children of each thread of a parent), plus the machine-wide
 * files, each with open, one read into a reused buffer, and close. It parses only what
 * decides what to read next (the thread count and the parent).
 *
 *   procscan ROOT        one scan, then one line per process: the whole command
 *   procscan ROOT N      N timed scans in one process: "best_ns median_ns files"
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char buf[65536];
static char path[4096];
static long files;

/* Reads ROOT/rel into buf (NUL-terminated); the length, or -1. */
static long read_file(const char *root, const char *rel) {
  snprintf(path, sizeof path, "%s/%s", root, rel);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  long used = 0;
  for (;;) {
    ssize_t n = read(fd, buf + used, sizeof buf - 1 - (size_t)used);
    if (n <= 0) break;
    used += n;
    if (sizeof buf - 1 - (size_t)used >= 8192) break;
  }
  close(fd);
  buf[used] = 0;
  files++;
  return used;
}

struct proc {
  int pid, ppid, threads, ntids;
  int *tids;
  long rss;
  char comm[64];
};

static int numeric(const char *s) {
  if (*s == 0) return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

static int by_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* The numeric names of a directory, ascending; *count set. */
static int *list_numeric(const char *root, const char *rel, int *count) {
  snprintf(path, sizeof path, "%s/%s", root, rel);
  DIR *d = opendir(path);
  *count = 0;
  if (d == NULL) return NULL;
  int cap = 64, n = 0;
  int *out = malloc(sizeof(int) * (size_t)cap);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!numeric(e->d_name)) continue;
    if (n == cap) out = realloc(out, sizeof(int) * (size_t)(cap *= 2));
    out[n++] = atoi(e->d_name);
  }
  closedir(d);
  qsort(out, (size_t)n, sizeof(int), by_int);
  *count = n;
  return out;
}

/* Fields 3.. after the last ')': ppid is field 4, num_threads 20, rss 24. */
static int parse_stat(struct proc *p) {
  char *open_paren = strchr(buf, '(');
  char *close_paren = strrchr(buf, ')');
  if (open_paren == NULL || close_paren == NULL) return 0;
  size_t len = (size_t)(close_paren - open_paren - 1);
  if (len >= sizeof p->comm) len = sizeof p->comm - 1;
  memcpy(p->comm, open_paren + 1, len);
  p->comm[len] = 0;
  char *s = close_paren + 2;
  for (int field = 3; field <= 24 && *s; field++) {
    long v = strtol(s, NULL, 10);
    if (field == 4) p->ppid = (int)v;
    if (field == 20) p->threads = (int)v;
    if (field == 24) p->rss = v;
    s = strchr(s, ' ');
    if (s == NULL) break;
    s++;
  }
  return 1;
}

static struct proc *procs;
static int nprocs;

static void scan(const char *root) {
  char rel[128];
  read_file(root, "meminfo");
  read_file(root, "uptime");
  read_file(root, "sys/kernel/osrelease");
  read_file(root, "self/statm");
  read_file(root, "self/status");
  read_file(root, "self/stat");
  read_file(root, "zoneinfo");
  read_file(root, "sys/vm/panic_on_oom");
  int count;
  int *pids = list_numeric(root, "", &count);
  if (procs == NULL) procs = calloc((size_t)count + 1, sizeof *procs);
  nprocs = 0;
  for (int i = 0; i < count; i++) {
    struct proc *p = &procs[nprocs];
    p->pid = pids[i];
    snprintf(rel, sizeof rel, "%d/stat", p->pid);
    if (read_file(root, rel) < 0 || !parse_stat(p)) continue;
    snprintf(rel, sizeof rel, "%d/status", p->pid);
    read_file(root, rel);
    snprintf(rel, sizeof rel, "%d/oom_score_adj", p->pid);
    read_file(root, rel);
    snprintf(rel, sizeof rel, "%d/oom_score", p->pid);
    read_file(root, rel);
    free(p->tids);
    p->tids = NULL;
    p->ntids = 1;
    if (p->threads > 1) {
      snprintf(rel, sizeof rel, "%d/task", p->pid);
      p->tids = list_numeric(root, rel, &p->ntids);
      for (int t = 0; t < p->ntids; t++) {
        if (p->tids[t] == p->pid) continue;
        snprintf(rel, sizeof rel, "%d/task/%d/stat", p->pid, p->tids[t]);
        read_file(root, rel);
      }
    }
    if (i < 8) {
      snprintf(rel, sizeof rel, "%d/statm", p->pid);
      read_file(root, rel);
    }
    nprocs++;
  }
  int max_pid = count > 0 ? pids[count - 1] : 0;
  free(pids);
  /* Children of the processes some process names as its parent, per thread. */
  unsigned char *is_parent = calloc((size_t)max_pid + 1, 1);
  for (int i = 0; i < nprocs; i++)
    if (procs[i].ppid >= 0 && procs[i].ppid <= max_pid) is_parent[procs[i].ppid] = 1;
  for (int i = 0; i < nprocs; i++) {
    struct proc *p = &procs[i];
    if (!is_parent[p->pid]) continue;
    for (int t = 0; t < p->ntids; t++) {
      int tid = p->tids == NULL ? p->pid : p->tids[t];
      snprintf(rel, sizeof rel, "%d/task/%d/children", p->pid, tid);
      read_file(root, rel);
    }
  }
  free(is_parent);
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int by_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: procscan ROOT [SCANS]\n");
    return 2;
  }
  if (argc == 2) {
    scan(argv[1]);
    for (int i = 0; i < nprocs; i++)
      printf("%d %d %ld %s\n", procs[i].pid, procs[i].ppid, procs[i].rss, procs[i].comm);
    return 0;
  }
  int n = atoi(argv[2]);
  double *samples = malloc(sizeof(double) * (size_t)n);
  scan(argv[1]);
  for (int k = 0; k < n; k++) {
    files = 0;
    double t0 = now_ns();
    scan(argv[1]);
    samples[k] = now_ns() - t0;
  }
  qsort(samples, (size_t)n, sizeof(double), by_double);
  printf("%.0f %.0f %ld\n", samples[0], samples[n / 2], files);
  return 0;
}
