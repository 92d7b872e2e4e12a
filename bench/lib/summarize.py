#!/usr/bin/env python3
"""Markdown tables from a bench results directory (the *.jsonl files the scripts write).

  summarize.py RESULTS_DIR [BASELINE_VARIANT]

Ratios are taken within a round (each variant against the baseline run of the same round,
workload and device, measured minutes apart) and the median of those ratios is quoted: on a shared
machine, absolute figures drift between rounds more than the effect measured.
"""
import json
import os
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import percentile  # noqa: E402


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def med(values):
    return statistics.median(values) if values else None


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


VARIANT_ORDER = ["none", "floor", "ioguard", "ioguard_classic", "ioguard_alt", "bpftrace", "ops"]


def order(variants):
    return sorted(variants, key=lambda v: (VARIANT_ORDER.index(v) if v in VARIANT_ORDER else 99, v))


def p99_of(run):
    """p99 of submission + completion latency where recorded, else of completion latency."""
    return run.get("lat_p99_us") or run["p99_us"]


def overhead(d, base):
    data = rows(os.path.join(d, "overhead.jsonl"))
    if not data:
        return
    cells = defaultdict(dict)  # (device, rw, qd) -> variant -> round -> row
    for r in data:
        cells[(r["device"], r["rw"], r["qd"])].setdefault(r["variant"], {})[r["round"]] = r
    variants = order({r["variant"] for r in data})
    print("### IOPS and p99 latency (fio 4 KiB, direct, libaio; submission to completion; medians over rounds)\n")
    print("| device | workload | variant | rounds | IOPS | vs " + base + " (median of per-round ratios) "
          "| ns per IO added | p99 latency µs | p99 vs " + base + " |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for key in sorted(cells, key=lambda k: (k[0], k[1], k[2])):
        device, rw, qd = key
        by = cells[key]
        for v in variants:
            if v not in by:
                continue
            runs = by[v]
            iops = med([x["iops"] for x in runs.values()])
            p99 = med([p99_of(x) for x in runs.values()])
            ratio = p99ratio = None
            if v != base and base in by:
                pairs = [(runs[k], by[base][k]) for k in runs if k in by[base]]
                ratio = med([a["iops"] / b["iops"] for a, b in pairs])
                p99ratio = med([p99_of(a) / p99_of(b) for a, b in pairs])
            change = "-" if ratio is None else f"{ratio:.3f} ({(ratio - 1) * 100:+.1f}%)"
            pchange = "-" if p99ratio is None else f"{p99ratio:.2f}x"
            # time per IO at the bottleneck: 1/IOPS; the variant's share of it is what it added
            added = "-"
            if ratio and qd >= 8:  # at QD1 the IO waits, the CPU does not: no bottleneck to share
                base_iops = med([x["iops"] for x in by[base].values()])
                added = f"{(1 / ratio - 1) * 1e9 / base_iops:+.0f}"
            print(f"| {device} | {rw} QD{qd} | {v} | {len(runs)} | {iops:,.0f} | {change} | "
                  f"{added} | {p99:,.0f} | {pchange} |")
    busy = [r.get("busy_before_pct", 0) for r in data]
    print(f"\nOthers' CPU use in the second before each run: median {med(busy):.0f}%, "
          f"max {max(busy):.0f}% of the machine ({len(data)} runs).\n")
    starts = [r["start_ms"] for r in data if r["variant"].startswith("ioguard") and r.get("start_ms")]
    if starts:
        print(f"ioguard start to first successful scrape over these runs: median {med(starts):.0f} ms, "
              f"max {max(starts)} ms ({len(starts)} starts).\n")


def bpfcost(d):
    data = rows(os.path.join(d, "bpfcost.jsonl"))
    if not data:
        return
    print("### In-kernel cost (kernel.bpf_stats_enabled=1; medians over rounds)\n")
    groups = defaultdict(list)
    for r in data:
        groups[(r["device"], r["rw"], r["qd"], r["variant"])].append(r)
    print("| device | workload | variant | rounds | ns per request (sum of programs) | programs: ns/run (runs per request) |")
    print("| --- | --- | --- | --- | --- | --- |")
    def rank(v):
        return VARIANT_ORDER.index(v) if v in VARIANT_ORDER else 99

    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2], rank(k[3]))):
        device, rw, qd, v = key
        rs = groups[key]
        per_req = med([r["ns_per_request"] for r in rs if r["ns_per_request"] is not None])
        progs = defaultdict(lambda: {"ns": [], "rpr": []})
        for r in rs:
            seen = defaultdict(int)
            for p in r["programs"]:
                # Two programs of one name (classic mode has two on block_rq_complete) stay apart.
                seen[p["program"]] += 1
                name = p["program"] + ("" if seen[p["program"]] == 1 else f"#{seen[p['program']]}")
                progs[name]["ns"].append(p["ns_per_run"])
                progs[name]["rpr"].append(p["runs_per_request"] or 0)
        parts = []
        for name, p in progs.items():
            rpr = med(p["rpr"])
            if rpr < 0.01 and v != "ops":
                continue  # other devices' IO, not this workload's
            parts.append(f"{name} {med(p['ns']):.0f} ({rpr:.2f})")
        print(f"| {device} | {rw} QD{qd} | {v} | {len(rs)} | {fmt(per_req, '.0f')} | {', '.join(parts)} |")
    print()


def footprint(d):
    data = rows(os.path.join(d, "footprint.jsonl"))
    if not data:
        return
    print("### Exporter footprint\n")
    starts = [r["first_scrape_ms"] for r in data if r["phase"] == "start"]
    if starts:
        print(f"- Start to first successful scrape: median {med(starts):.0f} ms, max {max(starts)} ms "
              f"({len(starts)} starts)")
    for phase in ("idle", "load"):
        for r in (x for x in data if x["phase"] == phase):
            extra = ""
            if phase == "load":
                achieved = [x["iops"] for x in data if x["phase"] == "load_fio"]
                extra = f" at {achieved[0]:,.0f} IOPS (fio 4 KiB randread, loop)" if achieved else ""
            print(f"- {phase}{extra}: CPU {r['cpu_pct_of_one_core']:.2f}% of one core over "
                  f"{r['window_s']} s; RSS {r['rss_max_mib']} MiB max, {r['rss_end_mib']} MiB at the end")
    first = [r for r in data if r["phase"] == "scrape32_first"]
    if first:
        f = first[0]
        print(f"- 32 devices: first scrape {f['seconds'] * 1000:.1f} ms ({f['bytes']:,} bytes, "
              f"{f['series']:,} samples, {f['devices_seen']} new devices present)")
    for fmt_ in ("text", "protobuf"):
        t = [r["seconds"] * 1000 for r in data if r["phase"] == "scrape32" and r["format"] == fmt_]
        if t:
            print(f"- 32 devices, {fmt_}: {len(t)} scrapes, median {med(t):.1f} ms, "
                  f"p90 {percentile(t, 90):.1f} ms, max {max(t):.1f} ms")
    rss = [r["rss_mib"] for r in data if r["phase"] == "scrape32_rss"]
    if rss:
        print(f"- RSS after the 32-device scrapes: {rss[0]} MiB")
    print()


def eventlat(d):
    data = rows(os.path.join(d, "eventlat.jsonl"))
    if not data:
        return
    print("### Event latency (ext4 trigger_fs_error, fresh loop ext4 each time)\n")
    print("| from the fault to | n | p50 ms | p99 ms | max ms |")
    print("| --- | --- | --- | --- | --- |")
    for key, label in (("filesystem.error_ms", "`filesystem.error` JSON line"),
                       ("filesystem.remount.readonly_ms", "`filesystem.remount.readonly` JSON line"),
                       ("metrics_scrape_started_ms", "start of the first scrape showing readonly 1"),
                       ("metrics_ms", "end of that scrape")):
        v = [r[key] for r in data if key in r]
        if v:
            print(f"| {label} | {len(v)} | {percentile(v, 50):.1f} | {percentile(v, 99):.1f} | {max(v):.1f} |")
    missing = sum(1 for r in data if "filesystem.error_ms" not in r)
    if missing:
        print(f"\n{missing} of {len(data)} faults produced no line within 5 s.")
    print()


def load(d):
    data = rows(os.path.join(d, "load.jsonl"))
    if data:
        print("### Load average when each series started and ended\n")
        for r in data:
            print(f"- {r['series']}: {r['loadavg']} (QEMU processes running: {r['qemu_running']})")
        print()


def main(argv):
    d = argv[1]
    base = argv[2] if len(argv) > 2 else "none"
    overhead(d, base)
    bpfcost(d)
    footprint(d)
    eventlat(d)
    load(d)


if __name__ == "__main__":
    main(sys.argv)
