#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make check-mutants: prove that the tests bite.

Each mutant of tests/mutants (a deliberate small breakage of kmod/ or
helper/) is applied to a scratch copy of the tree in build/mutants/NAME/src,
built (the module for one kernel when kmod/ changed, the helper when helper/
changed; the rest comes from the tree's own build), and the tests it names
run there: guest tests in one guest (vm/run.sh), host tests with
tests/run-host.sh. A mutant is killed when one of them fails. The report
says, per mutant, killed or survived and by which test, and ends with the
line "N mutants, N killed"; the exit status is 0 only when every mutant
was killed.

    vm/mutants.py [--list FILE] [--keep] [NAME_GLOB...]
    vm/mutants.py --check        (make lint: every hunk still applies once)

Logs: build/mutants/NAME/{build,guest,host}.log; the report is also written
to build/mutants/report.txt.
"""
import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, "build")
OUT = os.path.join(BUILD, "mutants")
DEFAULT_KVER = "6.12"


class Mutant:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.why = ""
        self.tests = []
        self.kver = DEFAULT_KVER
        self.hunks = []         # [file, old lines, new lines]

    def files(self):
        return {h[0] for h in self.hunks}


def parse(path):
    """The mutants of PATH, in order; exits on a malformed file."""
    mutants, cur, hunk = [], None, None
    def bad(n, msg):
        sys.exit(f"{path}:{n}: {msg}")
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                cur = hunk = None
                continue
            key, _, rest = line.partition(" ")
            if key == "mutant":
                if cur or not re.fullmatch(r"[a-z0-9_]+", rest):
                    bad(n, "'mutant NAME' starts a stanza, NAME in [a-z0-9_]")
                if any(m.name == rest for m in mutants):
                    bad(n, f"mutant {rest} listed twice")
                cur = Mutant(rest, n)
                mutants.append(cur)
            elif cur is None:
                bad(n, "outside a mutant stanza")
            elif key == "why":
                cur.why = (cur.why + " " + rest).strip()
            elif key == "tests":
                cur.tests = rest.split()
                for t in cur.tests:
                    if not re.fullmatch(r"(host|guest):[a-z0-9_]+", t):
                        bad(n, f"test '{t}' is not host:NAME or guest:NAME")
            elif key == "kver":
                cur.kver = rest
            elif key == "@":
                hunk = [rest, [], []]
                cur.hunks.append(hunk)
            elif key in ("-", "+") or line in ("-", "+"):
                if hunk is None:
                    bad(n, "'-' or '+' line before '@ FILE'")
                hunk[1 if line[0] == "-" else 2].append(line[2:])
            else:
                bad(n, f"unknown key '{key}'")
    for m in mutants:
        if not m.tests or not m.hunks or not m.why:
            sys.exit(f"{path}:{m.line}: mutant {m.name} needs why, tests and a hunk")
        for f, old, _ in m.hunks:
            if not f.startswith(("kmod/", "helper/")) or not old:
                sys.exit(f"{path}:{m.line}: {m.name}: hunks change kmod/ or "
                         "helper/ and have '-' lines")
    return mutants


def run(cmd, log, env=None, cwd=None):
    """Run CMD with its output appended to LOG; returns the exit status."""
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, env=env,
                              cwd=cwd).returncode


def krel(series):
    return subprocess.run([os.path.join(TOP, "vm/krel"), series], check=True,
                          capture_output=True, text=True).stdout.strip()


def scratch_copy(dst):
    """The tree as it is now (tracked and new files) copied to DST."""
    names = subprocess.run(["git", "-C", TOP, "ls-files", "-z", "--cached",
                            "--others", "--exclude-standard"], check=True,
                           capture_output=True).stdout.split(b"\0")
    for n in names:
        n = n.decode()
        src = os.path.join(TOP, n)
        if not n or not os.path.lexists(src):
            continue
        d = os.path.join(dst, n)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        shutil.copy2(src, d, follow_symlinks=False)


def apply(m, src, write=True):
    """Apply M's hunks to the copy SRC (only check them when not WRITE);
    returns an error or None."""
    texts = {}
    for f, old, new in m.hunks:
        p = os.path.join(src, f)
        if p not in texts:
            with open(p) as fh:
                texts[p] = fh.read()
        o, nw = "\n".join(old), "\n".join(new)
        count = texts[p].count(o)
        if count != 1:
            return f"{f}: the original text occurs {count} times, not once"
        texts[p] = texts[p].replace(o, nw)
    for p, text in texts.items() if write else ():
        with open(p, "w") as fh:
            fh.write(text)
    return None


def build(m, src, env, log):
    """Build what the mutant changed; borrow the rest from the tree."""
    rel = krel(m.kver)
    ko = os.path.join(src, "build", rel, "kmod", "layerfs.ko")
    shutil.copytree(os.path.join(BUILD, "tools"),
                    os.path.join(src, "build", "tools"))
    if any(f.startswith("kmod/") for f in m.files()):
        if run(["make", "-C", src, "-j2", f"module-{m.kver}"], log, env):
            return "build failed (module)"
    else:
        os.makedirs(os.path.dirname(ko), exist_ok=True)
        shutil.copy2(os.path.join(BUILD, rel, "kmod", "layerfs.ko"), ko)
    if any(f.startswith("helper/") for f in m.files()):
        if run(["make", "-C", os.path.join(src, "helper")], log, env):
            return "build failed (helper)"
    else:
        shutil.copy2(os.path.join(TOP, "helper", "layermount"),
                     os.path.join(src, "helper", "layermount"))
    return None


def failures(log):
    """The 'not ok' tests of a KTAP log: [(name, reason)]."""
    out = []
    with open(log, errors="replace") as f:
        for line in f:
            r = re.match(r"not ok \d+ (\S+)(?: # (.*))?$", line.rstrip())
            if r:
                # without the test's duration, "2.0 s" or " (2.0 s)"
                why = re.sub(r"(?:^| \()[0-9.]+ s\)?$", "", r.group(2) or "")
                out.append((r.group(1), why))
    return out


def try_mutant(m, keep):
    d = os.path.join(OUT, m.name)
    shutil.rmtree(d, ignore_errors=True)
    src = os.path.join(d, "src")
    os.makedirs(src)
    scratch_copy(src)
    err = apply(m, src)
    if err:
        return "error", err
    env = dict(os.environ, BUILD=os.path.join(src, "build"), KVERS=m.kver)
    env.pop("TESTS", None)
    err = build(m, src, env, os.path.join(d, "build.log"))
    if err:
        return "error", err
    killers = []
    guest = [t.split(":")[1] for t in m.tests if t.startswith("guest:")]
    host = [t.split(":")[1] for t in m.tests if t.startswith("host:")]
    if guest:
        log = os.path.join(d, "guest.log")
        rc = run([os.path.join(src, "vm/run.sh"), "--kver", m.kver,
                  "--tests", " ".join(guest), "--out",
                  os.path.join(d, "vm")], log, env)
        killers += [("guest:" + n, why) for n, why in failures(log)]
        if rc and not killers:
            killers.append(("guest", f"vm/run.sh exited {rc}"))
    if host:
        log = os.path.join(d, "host.log")
        rc = run([os.path.join(src, "tests/run-host.sh")], log,
                 dict(env, TESTS=" ".join(host)))
        killers += [("host:" + n, why) for n, why in failures(log)]
        if rc and not killers:
            killers.append(("host", f"tests/run-host.sh exited {rc}"))
    if not keep:
        shutil.rmtree(src, ignore_errors=True)
    if killers:
        return "killed", "; ".join(f"{n} ({why[:100]})" for n, why in killers)
    return "survived", "no test failed: a test is missing"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--list", default=os.path.join(TOP, "tests/mutants"))
    ap.add_argument("--keep", action="store_true",
                    help="keep each mutant's source copy")
    ap.add_argument("--check", action="store_true",
                    help="only check that every hunk applies to the tree")
    ap.add_argument("globs", nargs="*", help="mutant names (globs)")
    a = ap.parse_args()
    mutants = parse(a.list)
    if a.check:
        errs = [f"{m.name}: {e}" for m in mutants
                if (e := apply(m, TOP, write=False))]
        print("\n".join(errs) or f"{len(mutants)} mutants apply")
        return 1 if errs else 0
    if a.globs:
        mutants = [m for m in mutants
                   if any(fnmatch.fnmatch(m.name, g) for g in a.globs)]
    if not mutants:
        sys.exit("mutants.py: no mutant matches")
    for need in (os.path.join(TOP, "helper", "layermount"),
                 os.path.join(BUILD, "tools")):
        if not os.path.exists(need):
            sys.exit(f"mutants.py: {need} missing (make)")
    os.makedirs(OUT, exist_ok=True)
    report = []
    killed = 0
    for i, m in enumerate(mutants, 1):
        t0 = time.time()
        state, detail = try_mutant(m, a.keep)
        killed += state == "killed"
        line = (f"{state:8} {m.name:28} {detail}  "
                f"[{time.time() - t0:.0f}s]")
        print(f"{i:2}/{len(mutants)} {line}", flush=True)
        report.append(line)
    summary = f"{len(mutants)} mutants, {killed} killed"
    print(summary)
    with open(os.path.join(OUT, "report.txt"), "w") as f:
        f.write("\n".join(report + [summary]) + "\n")
    return 0 if killed == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
