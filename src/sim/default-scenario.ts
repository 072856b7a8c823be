/**
 * The scenario `oomkit sim` runs without an argument: a whole OOM story on a small
 * 64-bit machine. A batch job leaks memory until the machine runs out; the OOM killer
 * scores every task, picks the web server's parent (its children weigh on its score),
 * kills its first child instead, the child's memory returns and the leaking allocation
 * is retried and succeeds.
 */

export const DEFAULT_SCENARIO_NAME = "default-scenario.yaml";

export const DEFAULT_SCENARIO = `# The default story: a leaking batch job runs a small machine out of memory.
# sshd is OOM_DISABLE'd, crond runs as root (its score is divided by 16), the web
# server has forked two workers; the OOM killer picks the server for the size of its
# children and, "or a child", kills its first worker, whose memory goes back to the
# free lists so the leaking allocation can be retried and succeed.
seed: 1
machine:
  bits: 64
  hz: 250
  memory: 64MiB
  printk_time: true
  uptime: 3600
processes:
  - name: sshd
    pid: 812
    uid: 0
    oomkilladj: -17
    start: 12
    total_vm: 1600
    rss: 400
  - name: crond
    pid: 840
    uid: 0
    start: 13
    total_vm: 2400
    rss: 300
  - name: httpd
    pid: 900
    uid: 48
    start: 20
    utime: 3000
    total_vm: 3000
    rss: 500
    children:
      - name: httpd
        label: worker1
        pid: 901
        uid: 48
        start: 21
        total_vm: 4500
        rss: 3500
      - name: httpd
        label: worker2
        pid: 902
        uid: 48
        start: 21
        total_vm: 4500
        rss: 3500
  - name: batchjob
    pid: 1200
    uid: 1000
    start: 3000
    utime: 90000
    total_vm: 2000
    rss: 1000
timeline:
  # The batch job leaks: it touches 10000 new pages at 2000 pages a second.
  - at: 1
    task: batchjob
    fault: { pages: 10000, rate: 2000 }
until: 30
expect:
  end: idle
  calls:
    - { outcome: killed, task: batchjob, selected: 900, victim: worker1, constraint: none }
  kills: 1
  dies: [worker1]
  survives: [sshd, crond, 900, worker2, batchjob]
  claims:
    - says: the OOM killer picks the server for the size of its children
      call: { n: 1, selected: 900 }
    - says: it kills its first worker
      call: { n: 1, victim: worker1 }
    - says: the worker's memory goes back to the free lists
      mm: { of: worker1, freed: true }
    - says: the leaking allocation is retried and succeeds
      alloc: { task: batchjob, result: ok }
`;
