#!/usr/bin/env python3
"""One ext4 failure, timed (used by bench/eventlat.sh).

  eventwait.py ready  URL DEVICE TIMEOUT_S
      waits until /metrics shows ioguard_filesystem_readonly{system_device=DEVICE} 0 (the mount
      is known), so that the fault is not raced against ioguard learning about the mount.
  eventwait.py fault  URL DEVICE STDOUT_FILE TIMEOUT_S
      writes 1 to /sys/fs/ext4/DEVICE/trigger_fs_error and prints one JSON object: milliseconds
      from just before that write to the first JSON line of each event for DEVICE appearing in
      STDOUT_FILE (ioguard's stdout, read every millisecond), and to the first scrape of /metrics
      (every 10 ms, from a second thread) that shows the read-only gauge at 1: when its answer
      arrived (metrics_ms) and when it was asked for (metrics_scrape_started_ms).
"""
import json
import re
import sys
import threading
import time
import urllib.request


def readonly_values(url, device):
    with urllib.request.urlopen(url, timeout=5) as r:
        text = r.read().decode()
    pat = re.compile(r'^ioguard_filesystem_readonly\{[^}]*system_device="%s"[^}]*\} (\S+)$'
                     % re.escape(device), re.M)
    return [float(v) for v in pat.findall(text)]


def ready(url, device, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if 0.0 in readonly_values(url, device):
                return 0
        except OSError:
            pass
        time.sleep(0.05)
    print(f"eventwait: {device} not on /metrics within {timeout} s", file=sys.stderr)
    return 1


def fault(url, device, stdout_file, timeout):
    out = {"device": device}
    with open(stdout_file) as f:
        f.seek(0, 2)
        done = threading.Event()

        def poll_metrics():
            while not done.is_set():
                try:
                    asked = time.monotonic()
                    if 1.0 in readonly_values(url, device):
                        out["metrics_ms"] = round((time.monotonic() - t0) * 1000, 2)
                        out["metrics_scrape_started_ms"] = round((asked - t0) * 1000, 2)
                        return
                except OSError:
                    pass
                time.sleep(0.01)

        t0 = time.monotonic()
        with open(f"/sys/fs/ext4/{device}/trigger_fs_error", "w") as trig:
            trig.write("1")
        poller = threading.Thread(target=poll_metrics, daemon=True)
        poller.start()
        end = t0 + timeout
        pending = ""
        while time.monotonic() < end:
            chunk = f.read()
            now = time.monotonic()
            if chunk:
                pending += chunk
                *lines, pending = pending.split("\n")
                for line in lines:
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        continue
                    if ev.get("device") == device:
                        key = ev.get("event", "?") + "_ms"
                        out.setdefault(key, round((now - t0) * 1000, 2))
            if ("filesystem.error_ms" in out and "filesystem.remount.readonly_ms" in out
                    and "metrics_ms" in out):
                break
            time.sleep(0.001)
        done.set()
        poller.join(1)
    print(json.dumps(out, sort_keys=True))
    return 0 if "filesystem.error_ms" in out else 1


def main(argv):
    if len(argv) >= 5 and argv[1] == "ready":
        return ready(argv[2], argv[3], float(argv[4]))
    if len(argv) >= 6 and argv[1] == "fault":
        return fault(argv[2], argv[3], argv[4], float(argv[5]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
