#!/usr/bin/env python3
"""Loads a BPF object with libbpf (ctypes, no dependencies), attaches the named programs (all by
default) and keeps them attached until SIGTERM/SIGINT. Prints one line 'attached <prog> id=<id>'
per program, then 'ready'. Used for the floor programs (bench/floor/*.bpf.c)."""
import ctypes
import ctypes.util
import signal
import sys


def main():
    if len(sys.argv) < 2:
        print("usage: bpfload.py OBJECT.bpf.o [PROGRAM ...]", file=sys.stderr)
        return 2
    path, wanted = sys.argv[1], set(sys.argv[2:])
    lib = ctypes.CDLL(ctypes.util.find_library("bpf") or "libbpf.so.1", use_errno=True)
    vp = ctypes.c_void_p
    lib.bpf_object__open_file.restype = vp
    lib.bpf_object__open_file.argtypes = [ctypes.c_char_p, vp]
    lib.bpf_object__load.argtypes = [vp]
    lib.bpf_object__next_program.restype = vp
    lib.bpf_object__next_program.argtypes = [vp, vp]
    lib.bpf_program__name.restype = ctypes.c_char_p
    lib.bpf_program__name.argtypes = [vp]
    lib.bpf_program__set_autoload.argtypes = [vp, ctypes.c_bool]
    lib.bpf_program__attach.restype = vp
    lib.bpf_program__attach.argtypes = [vp]
    lib.bpf_program__fd.argtypes = [vp]
    lib.bpf_link__destroy.argtypes = [vp]
    lib.bpf_object__close.argtypes = [vp]

    obj = lib.bpf_object__open_file(path.encode(), None)
    if not obj:
        print(f"bpfload: cannot open {path}: errno {ctypes.get_errno()}", file=sys.stderr)
        return 1
    progs, p = [], None
    while True:
        p = lib.bpf_object__next_program(obj, p)
        if not p:
            break
        name = lib.bpf_program__name(p).decode()
        use = not wanted or name in wanted
        lib.bpf_program__set_autoload(p, use)
        if use:
            progs.append((name, p))
    if lib.bpf_object__load(obj):
        print(f"bpfload: load {path} failed: errno {ctypes.get_errno()}", file=sys.stderr)
        return 1
    links = []
    for name, p in progs:
        link = lib.bpf_program__attach(p)
        if not link:
            print(f"bpfload: attach {name} failed: errno {ctypes.get_errno()}", file=sys.stderr)
            return 1
        links.append(link)
        print(f"attached {name} fd={lib.bpf_program__fd(p)}", flush=True)
    print("ready", flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    while not stop:
        signal.pause()
    for link in links:
        lib.bpf_link__destroy(link)
    lib.bpf_object__close(obj)
    return 0


if __name__ == "__main__":
    sys.exit(main())
