/*
 * The baseline of the selection benchmark: 2.6.20's select_bad_process() and badness()
 * over the same tasks as oomkit's compiled state, written as a tuned C loop would be:
 * structure of arrays, children as one flat array with per-task starts, square roots of
 * small values from tables, and the divisions by powers of two folded into one shift.
 * 64-bit unsigned arithmetic, as the kernel's unsigned long on a 64-bit build.
 *
 * Input (little-endian, from the benchmark): a header of 64-bit words, then the arrays.
 * Output: "best_ns median_ns chosen points" of `repeat` timed selections.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ATTR_SHIFT_MASK 0x1f
#define ATTR_NICE (1 << 5)
#define ATTR_ADJ_UP_SHIFT 8
#define ATTR_EXITING (1 << 13)
#define ATTR_SWAPOFF (1 << 14)
#define ATTR_MEMDIE (1 << 15)
#define ATTR_INIT (1 << 16)
#define ATTR_OOM_DISABLE (1 << 17)
#define ATTR_SPECIAL (ATTR_EXITING | ATTR_SWAPOFF | ATTR_MEMDIE | ATTR_INIT | ATTR_OOM_DISABLE)
#define SMALL 65536

static uint16_t sqrt_table[SMALL];
static uint8_t root4_table[SMALL];

static uint64_t int_sqrt(uint64_t x) {
  uint64_t r = (uint64_t)sqrt((double)x);
  while (r > 0 && r * r > x) r--;
  while ((r + 1) * (r + 1) <= x && (r + 1) != 0x100000000ull) r++;
  return r;
}

struct tasks {
  int64_t n, mms, children, cpusets, current, shift_hz;
  uint64_t uptime;
  int32_t *mm, *attrs, *cpuset, *child_start, *child_list;
  uint64_t *utime, *stime, *start, *total_vm;
  uint8_t *overlap;
};

struct choice {
  int64_t chosen;
  uint64_t points;
  int abort;
};

static struct choice select_bad_process(const struct tasks *t) {
  const int32_t *mm = t->mm, *attrs = t->attrs, *cpuset = t->cpuset;
  const int32_t *child_start = t->child_start, *child_list = t->child_list;
  const uint64_t *utime = t->utime, *stime = t->stime, *start = t->start;
  const uint64_t *total_vm = t->total_vm;
  const uint8_t *overlap = t->overlap;
  const uint64_t uptime = t->uptime;
  const int cpu_shift = (int)t->shift_hz + 3;
  int some_apart = 0;
  for (int64_t c = 0; c < t->cpusets; c++) some_apart |= overlap[c] == 0;
  struct choice out = {-1, 0, 0};
  for (int64_t i = 0; i < t->n; i++) {
    const int32_t m = mm[i];
    if (m < 0) continue;
    const int32_t a = attrs[i];
    if (a & ATTR_SPECIAL) {
      if (a & ATTR_INIT) continue;
      if (a & ATTR_MEMDIE) return (struct choice){i, 0, 1};
      if (a & ATTR_EXITING) {
        if (i != t->current) return (struct choice){i, 0, 1};
        out.chosen = i;
        out.points = UINT64_MAX;
      }
      if (a & ATTR_OOM_DISABLE) continue;
    }
    uint64_t p;
    if (a & ATTR_SWAPOFF) {
      p = UINT64_MAX;
    } else {
      p = total_vm[m];
      for (int32_t k = child_start[i], end = child_start[i + 1]; k < end; k++) {
        const int32_t cm = mm[child_list[k]];
        if (cm >= 0 && cm != m) p += (total_vm[cm] >> 1) + 1;
      }
      const uint64_t cpu_time = (utime[i] + stime[i]) >> cpu_shift;
      if (cpu_time) p /= cpu_time < SMALL ? sqrt_table[cpu_time] : int_sqrt(cpu_time);
      if (uptime >= start[i]) {
        const uint64_t run_time = (uptime - start[i]) >> 10;
        if (run_time) p /= run_time < SMALL ? root4_table[run_time] : int_sqrt(int_sqrt(run_time));
      }
      if (a & ATTR_NICE) p *= 2;
      int shift = a & ATTR_SHIFT_MASK;
      if (some_apart && !overlap[cpuset[i]] && !(a & ATTR_EXITING)) shift += 3;
      p = (p >> shift) << ((a >> ATTR_ADJ_UP_SHIFT) & 31);
    }
    if (p > out.points || out.chosen < 0) {
      out.chosen = i;
      out.points = p;
    }
  }
  return out;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void *take(FILE *f, size_t count, size_t size) {
  void *p = malloc(count * size + 1);
  if (p == NULL || fread(p, size, count, f) != count) {
    fprintf(stderr, "select: short input\n");
    exit(2);
  }
  return p;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: select FILE REPEAT\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL) {
    perror(argv[1]);
    return 2;
  }
  struct tasks t;
  int64_t *head = take(f, 7, 8);
  t.n = head[0];
  t.mms = head[1];
  t.children = head[2];
  t.cpusets = head[3];
  t.current = head[4];
  t.shift_hz = head[5];
  t.uptime = (uint64_t)head[6];
  t.mm = take(f, t.n, 4);
  t.attrs = take(f, t.n, 4);
  t.cpuset = take(f, t.n, 4);
  t.child_start = take(f, t.n + 1, 4);
  t.child_list = take(f, t.children, 4);
  t.utime = take(f, t.n, 8);
  t.stime = take(f, t.n, 8);
  t.start = take(f, t.n, 8);
  t.total_vm = take(f, t.mms, 8);
  t.overlap = take(f, t.cpusets, 1);
  fclose(f);
  for (uint64_t x = 0; x < SMALL; x++) {
    sqrt_table[x] = (uint16_t)int_sqrt(x);
    root4_table[x] = (uint8_t)int_sqrt(int_sqrt(x));
  }
  const int repeat = atoi(argv[2]);
  double *samples = malloc(sizeof(double) * (size_t)repeat);
  struct choice c = {0, 0, 0};
  uint64_t sink = 0;
  for (int k = 0; k < 3; k++) sink += (uint64_t)select_bad_process(&t).chosen;
  for (int k = 0; k < repeat; k++) {
    const double t0 = now_ns();
    c = select_bad_process(&t);
    samples[k] = now_ns() - t0;
    sink += (uint64_t)c.chosen;
  }
  qsort(samples, (size_t)repeat, sizeof(double), by_value);
  printf("%.0f %.0f %lld %llu %d %llu\n", samples[0], samples[repeat / 2], (long long)c.chosen,
         (unsigned long long)c.points, c.abort, (unsigned long long)(sink & 1));
  return 0;
}
