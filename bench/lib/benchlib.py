#!/usr/bin/env python3
"""Parsing and bookkeeping for the bench scripts (python3 standard library only).

  benchlib.py record FILE key=value...          append one JSON object to FILE (JSON lines)
  benchlib.py fio FIO.json                      print "iops p99_us" of a fio --output-format=json run
  benchlib.py fio-record FILE FIO.json k=v...   append the run's figures and k=v to FILE
  benchlib.py progs PID... > SNAP.json          the BPF programs those processes hold: id, name,
                                                run_time_ns, run_cnt, recursion_misses (fdinfo)
  benchlib.py progdiff A.json B.json            per program: runs, ns/run between two snapshots
  benchlib.py proc PID                          print "cpu_ticks rss_kib" (utime+stime, VmRSS)
  benchlib.py stats v1 v2 ...                   print "median p90 max min n"
  benchlib.py busy SECONDS                      print the % of all CPUs busy over SECONDS (/proc/stat)
  benchlib.py selftest                          check the parsers on embedded samples
"""
import json
import os
import re
import statistics
import subprocess
import sys


def convert(v):
    for kind in (int, float):
        try:
            return kind(v)
        except ValueError:
            pass
    return v


def record(path, pairs, extra=None):
    obj = {}
    for p in pairs:
        k, _, v = p.partition("=")
        obj[k] = convert(v)
    if extra:
        obj.update(extra)
    with open(path, "a") as f:
        f.write(json.dumps(obj, sort_keys=True) + "\n")
    return obj


def fio_figures(doc):
    """IOPS and completion-latency percentiles of the job's busy direction (read or write)."""
    job = doc["jobs"][0]
    side = max(("read", "write"), key=lambda d: job[d]["total_ios"])
    d = job[side]

    def p(q, kind="clat_ns"):
        for k, v in d.get(kind, {}).get("percentile", {}).items():
            if abs(float(k) - q) < 1e-9:
                return round(v / 1000, 2)
        return None

    return {
        "direction": side,
        "iops": round(d["iops"], 1),
        "ios": d["total_ios"],
        "clat_mean_us": round(d["clat_ns"]["mean"] / 1000, 2),
        "p50_us": p(50.0),
        "p99_us": p(99.0),
        # submission + completion (--lat_percentiles=1): zram completes while fio submits, so its
        # completion latency (clat) alone is near zero
        "lat_p50_us": p(50.0, "lat_ns"),
        "lat_p99_us": p(99.0, "lat_ns"),
        "fio_usr_pct": round(job.get("usr_cpu", 0.0), 2),
        "fio_sys_pct": round(job.get("sys_cpu", 0.0), 2),
    }


def load_fio(path):
    with open(path) as f:
        return load_fio_text(f.read())


FDINFO = re.compile(r"^(\w+):\s+(\S+)", re.M)


def parse_fdinfo(text):
    return {k: v for k, v in FDINFO.findall(text)}


def bpftool_names():
    try:
        out = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True,
                             check=True).stdout
        return {p["id"]: p.get("name", "") for p in json.loads(out)}
    except (OSError, subprocess.CalledProcessError, ValueError):
        return {}


def progs_of(pids):
    """BPF programs held open by these processes, from /proc/<pid>/fdinfo (prog_id, run stats)."""
    found = {}
    for pid in pids:
        fd_dir = f"/proc/{pid}/fd"
        for fd in os.listdir(fd_dir):
            try:
                if os.readlink(f"{fd_dir}/{fd}") != "anon_inode:bpf-prog":
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    info = parse_fdinfo(f.read())
            except OSError:
                continue
            pid_ = int(info["prog_id"])
            found[pid_] = {
                "run_time_ns": int(info.get("run_time_ns", 0)),
                "run_cnt": int(info.get("run_cnt", 0)),
                "recursion_misses": int(info.get("recursion_misses", 0)),
            }
    names = bpftool_names()
    for pid_, v in found.items():
        v["name"] = names.get(pid_, "?")
    return {str(k): v for k, v in sorted(found.items())}


def progdiff(a, b):
    rows = []
    for pid_, after in b.items():
        before = a.get(pid_, {"run_time_ns": 0, "run_cnt": 0, "recursion_misses": 0})
        runs = after["run_cnt"] - before["run_cnt"]
        ns = after["run_time_ns"] - before["run_time_ns"]
        rows.append({"id": int(pid_), "name": after["name"], "runs": runs, "ns": ns,
                     "ns_per_run": round(ns / runs, 1) if runs else None,
                     "misses": after["recursion_misses"] - before["recursion_misses"]})
    return rows


def parse_stat(text):
    """utime + stime (clock ticks) from /proc/<pid>/stat; the comm may hold spaces and parens."""
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return int(fields[11]) + int(fields[12])


def parse_rss_kib(status_text):
    m = re.search(r"^VmRSS:\s+(\d+) kB", status_text, re.M)
    return int(m.group(1)) if m else 0


def cpu_times(text):
    """(busy, total) jiffies of all CPUs from /proc/stat's first line (iowait counts as idle)."""
    v = [int(x) for x in text.splitlines()[0].split()[1:9]]
    total = sum(v)
    return total - v[3] - v[4], total


def busy_pct(seconds):
    import time
    with open("/proc/stat") as f:
        b0, t0 = cpu_times(f.read())
    time.sleep(seconds)
    with open("/proc/stat") as f:
        b1, t1 = cpu_times(f.read())
    return round(100.0 * (b1 - b0) / max(1, t1 - t0), 1)


def summary(values):
    v = sorted(values)
    if not v:
        return None
    p90 = v[min(len(v) - 1, int(round(0.9 * (len(v) - 1))))]
    return {"median": statistics.median(v), "p90": p90, "max": v[-1], "min": v[0], "n": len(v)}


def percentile(values, q):
    """Nearest-rank percentile (q in 0..100)."""
    v = sorted(values)
    if not v:
        return None
    k = max(1, -(-q * len(v) // 100))  # ceil
    return v[int(k) - 1]


FIO_SAMPLE = """note: both iodepth >= 1 and synchronous I/O engine are selected, queue depth will be capped at 1
{"fio version": "fio-3.33", "jobs": [{"jobname": "t", "usr_cpu": 10.5, "sys_cpu": 60.25,
 "read": {"total_ios": 1000, "iops": 123456.78, "clat_ns": {"mean": 250000.0,
   "percentile": {"50.000000": 240000, "99.000000": 946176, "99.900000": 1200000}},
   "lat_ns": {"mean": 260000.0, "percentile": {"50.000000": 250000, "99.000000": 950000}}},
 "write": {"total_ios": 0, "iops": 0.0, "clat_ns": {"mean": 0.0}}}]}"""

FDINFO_SAMPLE = """pos:	0
flags:	02000002
mnt_id:	15
ino:	1057
prog_type:	26
prog_jited:	1
prog_tag:	59a7bed4b2cc822b
memlock:	4096
prog_id:	12857
run_time_ns:	167940387
run_cnt:	575880
recursion_misses:	0
verified_insns:	85
"""

STAT_SAMPLE = "4242 (java (ioguard)) S 1 4242 4242 0 -1 4194560 9000 0 0 0 150 37 0 0 20 0 30 0 " \
              "1234 3000000000 23000 18446744073709551615 1 1 0 0 0 0 0 4096 17102 0 0 0 17 1 0 0 0 0 0"


def selftest():
    f = fio_figures(load_fio_text(FIO_SAMPLE))
    assert f["direction"] == "read" and f["iops"] == 123456.8, f
    assert f["p99_us"] == 946.18 and f["p50_us"] == 240.0 and f["lat_p99_us"] == 950.0, f
    info = parse_fdinfo(FDINFO_SAMPLE)
    assert info["prog_id"] == "12857" and info["run_cnt"] == "575880", info
    assert parse_stat(STAT_SAMPLE) == 187
    assert parse_rss_kib("Name:\tjava\nVmRSS:\t   93004 kB\n") == 93004
    a = {"7": {"name": "x", "run_time_ns": 100, "run_cnt": 1, "recursion_misses": 0}}
    b = {"7": {"name": "x", "run_time_ns": 1100, "run_cnt": 11, "recursion_misses": 2}}
    assert progdiff(a, b) == [{"id": 7, "name": "x", "runs": 10, "ns": 1000, "ns_per_run": 100.0,
                               "misses": 2}]
    assert cpu_times("cpu  10 0 5 80 5 0 0 0 0 0\ncpu0 1 2 3 4\n") == (15, 100)
    s = summary([5, 1, 3, 2, 4])
    assert s["median"] == 3 and s["max"] == 5 and s["n"] == 5, s
    assert percentile(list(range(1, 21)), 99) == 20 and percentile(list(range(1, 21)), 50) == 10
    print("benchlib selftest: ok")


def load_fio_text(text):
    # fio may print notes before the JSON document.
    return json.loads(text[text.index("{"):])


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "record":
        record(args[0], args[1:])
    elif cmd == "fio":
        f = fio_figures(load_fio(args[0]))
        print(f["iops"], f["p99_us"])
    elif cmd == "fio-record":
        f = fio_figures(load_fio(args[1]))
        record(args[0], args[2:], f)
        print(f["iops"], f["lat_p99_us"] or f["p99_us"])
    elif cmd == "progs":
        json.dump(progs_of(args), sys.stdout)
    elif cmd == "progdiff":
        with open(args[0]) as fa, open(args[1]) as fb:
            print(json.dumps(progdiff(json.load(fa), json.load(fb))))
    elif cmd == "proc":
        with open(f"/proc/{args[0]}/stat") as f:
            ticks = parse_stat(f.read())
        with open(f"/proc/{args[0]}/status") as f:
            rss = parse_rss_kib(f.read())
        print(ticks, rss)
    elif cmd == "stats":
        s = summary([float(x) for x in args])
        print(s["median"], s["p90"], s["max"], s["min"], s["n"])
    elif cmd == "busy":
        print(busy_pct(float(args[0])))
    elif cmd == "selftest":
        selftest()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
