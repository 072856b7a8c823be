/**
 * The embedded example (the one of docs/formats.md §5): bash runs out of memory; bash
 * itself scores highest because each of java's two threads adds half of java's size, and
 * oom_kill_process() then kills bash's first child with its own mm, java. jhelper shares
 * java's mm from another thread group, so java receives a second SIGKILL (quirk Q2).
 */

export const EXAMPLE_NAME = "<example>";

export const EXAMPLE_SNAPSHOT_TEXT = `{
  "format": "oomkit.snapshot/1",
  "kernel": { "bits": 64, "hz": 250, "uptime": 100000, "nodes": [{"id": 0}] },
  "mms": [
    {"id": "init", "total_vm": 300},
    {"id": "bash", "total_vm": 2000},
    {"id": "java", "total_vm": 500000},
    {"id": "cron", "total_vm": 1000}
  ],
  "tasks": [
    {"pid": 1, "parent": 0, "comm": "init", "mm": "init", "uid": 0, "euid": 0},
    {"pid": 2, "parent": 0, "comm": "ksoftirqd/0", "mm": null, "uid": 0, "euid": 0},
    {"pid": 300, "parent": 1, "comm": "bash", "mm": "bash", "uid": 1000, "euid": 1000,
     "utime": 500, "stime": 200, "start_time": 50000},
    {"pid": 400, "parent": 300, "comm": "java", "mm": "java", "uid": 1000, "euid": 1000,
     "utime": 400000, "stime": 100000, "start_time": 90000},
    {"pid": 401, "tgid": 400, "parent": 300, "comm": "java", "mm": "java", "uid": 1000, "euid": 1000},
    {"pid": 450, "parent": 400, "comm": "jhelper", "mm": "java", "uid": 1000, "euid": 1000},
    {"pid": 500, "parent": 1, "comm": "cron", "mm": "cron", "uid": 0, "euid": 0, "oomkilladj": -17}
  ],
  "current": 300,
  "request": {
    "gfp_mask": ["GFP_KERNEL"],
    "order": 0,
    "zonelist": [{"node": 0, "zone": "Normal"}, {"node": 0, "zone": "DMA"}]
  }
}
`;
