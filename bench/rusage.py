"""Runs a command and writes what it cost, measured around the child alone.

Usage: rusage.py OUT-FILE -- command args...
Writes one JSON line to OUT-FILE: wall time (ms, from just before the fork to the child's
exit), CPU time (ms, user + system, every thread of the child), and peak resident memory
(KB), from wait4's resource usage (microsecond resolution, where /usr/bin/time gives
hundredths of a second). This script's own start-up comes before the clock starts.
Exits with the child's exit code (128 + N for a signal).
"""
import json, os, sys, time

def main():
    out = sys.argv[1]
    command = sys.argv[sys.argv.index("--") + 1:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    with open(out, "w") as f:
        f.write(json.dumps({
            "wallMs": wall * 1000,
            "cpuMs": (usage.ru_utime + usage.ru_stime) * 1000,
            "maxRssKb": usage.ru_maxrss,
        }))
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))

main()
