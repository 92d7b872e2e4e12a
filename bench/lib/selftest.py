#!/usr/bin/env python3
"""Smoke check of the bench scripts' parsing and tables, without root or a benchmark run:
fio JSON, /proc fdinfo and stat, and summarize.py over a small synthetic results directory.
Run by scripts/test.sh; takes well under a second."""
import contextlib
import io
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import summarize  # noqa: E402


def write(d, name, rows):
    with open(os.path.join(d, name), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


def main():
    benchlib.selftest()
    with tempfile.TemporaryDirectory() as d:
        base = {"device": "loop", "rw": "randread", "qd": 32, "busy_before_pct": 3.0}
        write(d, "overhead.jsonl", [
            dict(base, variant="none", round=1, iops=100000.0, p99_us=200.0, start_ms=0),
            dict(base, variant="ioguard", round=1, iops=95000.0, p99_us=220.0, start_ms=900),
            dict(base, variant="none", round=2, iops=110000.0, p99_us=180.0, start_ms=0),
            dict(base, variant="ioguard", round=2, iops=99000.0, p99_us=190.0, start_ms=950),
        ])
        write(d, "bpfcost.jsonl", [{
            "device": "loop", "rw": "randread", "qd": 32, "variant": "floor", "round": 1,
            "requests": 1000, "ns_per_request": 240.0, "load1": 1.0,
            "programs": [{"program": "rq_issue", "runs": 1000, "ns": 60000, "ns_per_run": 60.0,
                          "runs_per_request": 1.0, "misses": 0}]}])
        write(d, "eventlat.jsonl", [{"device": "loop9", "filesystem.error_ms": 5.0 + i,
                                     "metrics_ms": 12.0 + i, "run": i} for i in range(20)])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            summarize.main(["summarize.py", d])
        text = out.getvalue()
        # ioguard against none, per round: 0.95 and 0.90 -> median 0.925
        # 1/0.925 - 1 = 8.1% of the 105,000 IOPS baseline's 9,524 ns per IO
        assert "| loop | randread QD32 | ioguard | 2 | 97,000 | 0.925 (-7.5%) | +772 |" in text, text
        assert "| loop | randread QD32 | floor | 1 | 240 | rq_issue 60 (1.00) |" in text, text
        assert "| `filesystem.error` JSON line | 20 | 14.0 | 24.0 | 24.0 |" in text, text
        assert "median 925 ms" in text, text
    print("bench selftest: ok")


if __name__ == "__main__":
    main()
