"""
A parent that never reaps what it kills, for the kill test (test/reliability/kill.test.ts).

It makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so every process of a killed
group becomes its child and stays a zombie: dead, holding no files, its pid still in /proc with
state Z, exactly what a supervisor or container init that is slow to reap leaves behind. It starts
commands in their own session and process group (as Airflow and users do with `npx`), kills
whole groups with SIGKILL, and waits only for the runs it is asked to wait for.

Protocol: one JSON object per line on stdin, one JSON answer per line on stdout.
  {"op": "start", "argv": [...], "env": {...}, "cwd": "...", "stdout": PATH, "stderr": PATH} -> {"pid": N}
  {"op": "state", "pid": N} -> {"state": "S"|"Z"|...|null}
  {"op": "kill", "pid": N}  -> {"members": [{pid, ppid, state, cmd}]}: SIGKILL to group N, then
                               waits until each member is dead (state Z), reaping none
  {"op": "wait", "pid": N}  -> {"code": C}: waits for that one process (and reaps only it)
On end of input it reaps every zombie it holds and exits.
"""
import ctypes
import json
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed: errno %d" % ctypes.get_errno())


def stat(pid):
    """(state, ppid, pgrp) from /proc/PID/stat, or None when the pid is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2])


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def group(pgid):
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = stat(int(name))
            if s and s[2] == pgid:
                out.append(int(name))
    return out


def start(cmd):
    out = os.open(cmd["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    err = os.open(cmd["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()  # its own session and process group, led by this pid
            os.chdir(cmd["cwd"])
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.execvpe(cmd["argv"][0], cmd["argv"], cmd["env"])
        finally:
            os._exit(127)
    os.close(out)
    os.close(err)
    return {"pid": pid}


def kill(cmd):
    pgid = cmd["pid"]
    members = group(pgid)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    # Dead is state Z (or gone, had something else reaped it); SIGKILL takes effect within moments.
    for _ in range(1_000_000):
        states = [stat(p) for p in members]
        if all(s is None or s[0] in ("Z", "X") for s in states):
            break
    return {
        "members": [
            {"pid": p, "ppid": s[1] if s else None, "state": s[0] if s else None, "cmd": cmdline(p)}
            for p, s in zip(members, [stat(p) for p in members])
        ]
    }


def wait(cmd):
    _, status = os.waitpid(cmd["pid"], 0)
    return {"code": os.waitstatus_to_exitcode(status)}


OPS = {
    "start": start,
    "kill": kill,
    "wait": wait,
    "state": lambda cmd: {"state": (stat(cmd["pid"]) or (None,))[0]},
}

for line in sys.stdin:
    cmd = json.loads(line)
    try:
        answer = OPS[cmd["op"]](cmd)
    except Exception as error:  # answer, so the test sees why
        answer = {"error": repr(error)}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()

while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
