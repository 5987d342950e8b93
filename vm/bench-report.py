#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's report: tables with verdicts, charts, the README's block.

    vm/bench-report.py DIR                  tables and charts from DIR
    vm/bench-report.py --readme FILE DIR    also the block of FILE between
                                            the bench-report markers
    vm/bench-report.py verdict "A..." "B..."  RATIO LOW HIGH and the verdict
                                            (faster, slower, noise, few)

DIR is what vm/bench.sh wrote (build/bench): bench-runs.csv (every run's
figure; for older runs bench.csv's median, min and max), bench-load.csv (the
host's load at the start and end of every timed run), bench-meta.txt. It
writes DIR/table-<series>.txt, DIR/table-host.txt and DIR/report.txt (all
printed too), and with gnuplot DIR/ratios.png (layerfs/overlayfs),
DIR/ratios-direct.png (layerfs/direct) and DIR/ratios-host.png (layermount
against tar and bsdtar).

The interval of a ratio A/B is [min(A)/max(B), max(A)/min(B)]: the range
of every pairing of a run of A with a run of B. The verdict comes from the
interval, not from the ratio of the medians: "faster" when it lies wholly
below 1 (every run of A beat every run of B), "slower" when wholly above
1, else "noise" (within noise). When A and B do not differ, every A run
beats every B run by chance with probability 1/C(nA+nB, nA), so a wrong
verdict either way has probability 2/C(2n, n) for n runs each: 0.8% for
5 runs, 2.9% for 4. With fewer than MIN_VERDICT_RUNS runs on a side the
verdict is "few" (too few runs). An outlier widens the interval:
it can hide a difference, never invent one.

The tables have a column per target (layerfs, layerfs immutable, i.e.
with immutable_lowers, overlayfs, direct; "-" where a target has no
figure) and the ratios layerfs/overlayfs, layerfs immutable/overlayfs and
layerfs/direct. The section "Lookup goals" holds, per kernel and
filesystem, the goals of the lookup work (lookup_goals()): a ratio and a
bound, MET when the ratio's whole interval is on the good side of the
bound, NOT MET when wholly on the bad side, else UNCLEAR; "not measured"
when a side has no figure.

The section "Memory held" comes from DIR/mem.csv: per kernel, filesystem
and set of workloads (the reads; each lookup stack), the kernel memory
(unreclaimable slab: indexes, readdir caches, layer stacks) a mount still
held after the set, in KiB, median [min-max] of the runs.

The README's block is refused when a figure has fewer than README_RUNS runs
or the run was a smoke run.
"""
import csv
import fnmatch
import math
import os
import re
import shutil
import statistics
import subprocess
import sys

MIN_VERDICT_RUNS = 4
README_RUNS = 5
# the CPU (cores) processes other than this bench's guests may use during a
# workload's runs before the machine counts as busy
BUSY_CORES = 0.5
BEGIN = "[bench-report: written by make bench-report from build/bench, not by hand]"
END = "[bench-report: end]"

# Rows whose "direct" column is not the same work as layerfs's: left out of
# the layerfs/direct chart, marked in the tables
NOT_SAME_WORK = [
    ("copyup_first_write", "direct writes in place: no copy-up"),
    ("chmod_small", "direct changes the files in place: no copy-up"),
    ("lookup_*", "direct is one flat directory, not a stack"),
    ("mount_*_cold", "direct mounts layers already unpacked"),
]

# the lookup goals compare these stacks' sizes (layers)
GOAL_SMALL, GOAL_LARGE = 5, 500

# the comparisons: (first target, second target, label) per kind of row
GUEST_PAIRS = [("layerfs", "overlay", "layerfs/overlayfs"),
               ("layerfs_imm", "overlay", "layerfs immutable/overlayfs"),
               ("layerfs", "direct", "layerfs/direct")]
HOST_PAIRS = [("layermount", "tar", "layermount/tar"),
              ("layermount", "bsdtar", "layermount/bsdtar")]
GUEST_TARGETS = [("layerfs", "layerfs"), ("layerfs_imm", "layerfs immutable"),
                 ("overlay", "overlayfs"), ("direct", "direct")]
HOST_TARGETS = [("layermount", "layermount"), ("tar", "tar"),
                ("bsdtar", "bsdtar")]
VERDICTS = {"faster": "faster", "slower": "slower", "noise": "within noise",
            "few": "too few runs"}
GOAL_VERDICTS = {"met": "MET", "not": "NOT MET", "unclear": "UNCLEAR",
                 "few": "too few runs", "none": "not measured"}
COLOURS = {"faster": "#1a9850", "slower": "#d73027", "noise": "#9e9e9e",
           "few": "#c8c8c8"}


def not_same_work(workload):
    """The reason WORKLOAD's direct column is other work, or None."""
    for glob, why in NOT_SAME_WORK:
        if fnmatch.fnmatchcase(workload, glob):
            return why
    return None


def lookup_goals():
    """The goals for lookups and listings: [(workload, (target A,
    workload of A), (target B, workload of B), op, bound)], each met when
    A/B op bound ("<=" or ">=") holds over the whole interval."""
    goals = []
    for w in ("warm_miss", "warm_hit", "warm_path5"):
        big, small = f"lookup_{w}_{GOAL_LARGE}", f"lookup_{w}_{GOAL_SMALL}"
        for t in ("layerfs", "layerfs_imm"):
            goals.append((f"lookup_{w}", (t, big), ("overlay", big),
                          "<=", 1.2))
            goals.append((f"lookup_{w}", (t, big), (t, small), "<=", 1.5))
    # (the goal names misses and bottom-layer hits: a path's merged
    # directories need every layer that has them, lookup_path5 shows
    # what that costs)
    for w in ("miss", "hit_bottom"):
        big, small = f"lookup_{w}_{GOAL_LARGE}", f"lookup_{w}_{GOAL_SMALL}"
        goals.append((f"lookup_{w}", ("layerfs_imm", big),
                      ("layerfs_imm", small), "<=", 2))
        goals.append((f"lookup_{w}", ("overlay", big), ("layerfs_imm", big),
                      ">=", 5))
    for w in ("readdir_100k", "readdir_100k_reopen5", "readdir_100k_rewind5"):
        goals.append((w, ("layerfs_imm", w), ("overlay", w), "<=", 1))
    return goals


def goal_verdict(lo, hi, op, bound):
    """MET when the interval [LO, HI] lies wholly on the good side of
    BOUND, NOT MET when wholly on the bad side, else UNCLEAR."""
    if op == "<=":
        good, bad = hi <= bound, lo > bound
    else:
        good, bad = lo >= bound, hi < bound
    return "met" if good else "not" if bad else "unclear"


class Figure:
    """A target's runs of a workload: median, min, max, count, total."""

    def __init__(self, median, lo, hi, n, total=None):
        self.median, self.min, self.max, self.n = median, lo, hi, n
        self.total = median * n if total is None else total

    @classmethod
    def of_runs(cls, runs):
        return cls(statistics.median(runs), min(runs), max(runs), len(runs),
                   sum(runs))


def _div(a, b):
    return a / b if b > 0 else math.inf


def ratio(a, b):
    """(median ratio, low, high, verdict) of Figure A against Figure B."""
    r = _div(a.median, b.median)
    lo, hi = _div(a.min, b.max), _div(a.max, b.min)
    if min(a.n, b.n) < MIN_VERDICT_RUNS:
        verdict = "few"
    elif hi < 1:
        verdict = "faster"
    elif lo > 1:
        verdict = "slower"
    else:
        verdict = "noise"
    return r, lo, hi, verdict


def num(x):
    """X with three significant digits or so, never in e-notation."""
    if math.isinf(x):
        return "inf"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 0.01:
        return f"{x:.2f}"
    return f"{x:.4f}"


def read_meta(d):
    meta = {}
    try:
        with open(os.path.join(d, "bench-meta.txt")) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                meta[k] = v
    except FileNotFoundError:
        pass
    return meta


def read_summary(path, name, unit):
    """({(kernel, fs, NAME, target): Figure}, kernels in file order) of a
    summary CSV of vm/bench.sh: bench.csv (NAME workload, UNIT s) or
    mem.csv (set, kib)."""
    figs, order = {}, []
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row["kernel"], row["fs"], row[name], row["target"])
            if row["kernel"] not in order:
                order.append(row["kernel"])
            figs[key] = Figure(float(row[f"median_{unit}"]),
                               float(row[f"min_{unit}"]),
                               float(row[f"max_{unit}"]), int(row["runs"]))
    return figs, order


def read_figures(d):
    """{(kernel, fs, workload, target): Figure}, kernels in file order."""
    figs, order = {}, []
    runs_csv = os.path.join(d, "bench-runs.csv")
    if os.path.exists(runs_csv):
        runs = {}
        with open(runs_csv) as f:
            for row in csv.DictReader(f):
                key = (row["kernel"], row["fs"], row["workload"], row["target"])
                if row["kernel"] not in order:
                    order.append(row["kernel"])
                if row["seconds"] != "NA":
                    runs.setdefault(key, []).append(float(row["seconds"]))
        figs = {k: Figure.of_runs(v) for k, v in runs.items()}
    else:
        figs, order = read_summary(os.path.join(d, "bench.csv"),
                                   "workload", "s")
    return figs, order


def read_mem(d):
    """{(kernel, fs, set, target): Figure in KiB} of mem.csv."""
    try:
        return read_summary(os.path.join(d, "mem.csv"), "set", "kib")[0]
    except FileNotFoundError:
        return {}


class Load:
    """The machine around one workload's runs: the highest 1-minute load
    average and number of other qemu processes at its marks, and the CPU
    (in cores) every process but this bench's guests used from its first
    start mark to its last end mark (None for runs before bench-load.csv
    had CPU ticks)."""

    def __init__(self):
        self.l1, self.other_qemu = 0.0, 0
        self.first = self.last = None   # (time, cpu ticks, own ticks)

    def add(self, row):
        self.l1 = max(self.l1, float(row["load1"]))
        self.other_qemu = max(self.other_qemu, int(row["other_qemu"]))
        if not row.get("rtime"):
            return
        m = (float(row["rtime"]), int(row["cpu_ticks"]), int(row["own_ticks"]))
        if row["phase"] == "start" and (not self.first or m < self.first):
            self.first = m
        if row["phase"] == "end" and (not self.last or m > self.last):
            self.last = m

    def others(self, hz):
        if not (self.first and self.last) or self.last[0] <= self.first[0]:
            return None
        cpu = (self.last[1] - self.first[1]) - (self.last[2] - self.first[2])
        return max(cpu, 0) / hz / (self.last[0] - self.first[0])


def read_load(d):
    """{(kernel, fs, workload): Load} and the load marks of the whole
    run, [(load1, other qemu)]."""
    load, marks = {}, []
    try:
        with open(os.path.join(d, "bench-load.csv")) as f:
            for row in csv.DictReader(f):
                marks.append((float(row["load1"]), int(row["other_qemu"])))
                key = (row["kernel"], row["fs"], row["workload"])
                load.setdefault(key, Load()).add(row)
    except FileNotFoundError:
        pass
    return load, marks


class Report:
    def __init__(self, d):
        self.dir = d
        self.meta = read_meta(d)
        self.figs, self.kernels = read_figures(d)
        self.load, self.marks = read_load(d)
        self.mem = read_mem(d)
        self.cores = int(self.meta.get("cores") or os.cpu_count() or 1)
        self.hz = int(self.meta.get("clk_tck") or os.sysconf("SC_CLK_TCK"))
        self.counts = {}        # (kernel, label) -> {verdict: n}
        self.busy = []          # (kernel, fs, workload) measured when busy

    def rows(self, kernel):
        """The (fs, workload) of KERNEL, sorted."""
        return sorted({(k[1], k[2]) for k in self.figs if k[0] == kernel})

    def others(self, key):
        """The cores other processes used during KEY's runs, or None."""
        ld = self.load.get(key)
        return ld.others(self.hz) if ld else None

    def is_busy(self, key):
        """Whether the machine was busy during KEY's runs: another qemu
        running, or processes other than this bench's guests using more
        than BUSY_CORES of CPU (runs without CPU ticks: the 1-minute load
        above the number of cores). The bench's own guests do not count:
        side by side, each ratio still compares runs of one guest."""
        ld, o = self.load.get(key), self.others(key)
        if not ld:
            return False
        if o is None:
            return ld.other_qemu > 0 or ld.l1 > self.cores
        return ld.other_qemu > 0 or o > BUSY_CORES

    def pairs(self, kernel):
        return HOST_PAIRS if kernel == "host" else GUEST_PAIRS

    def ratios(self, kernel, a, b):
        """[(fs, workload, (ratio, lo, hi, verdict))] of A/B on KERNEL."""
        out = []
        for fs, wl in self.rows(kernel):
            fa = self.figs.get((kernel, fs, wl, a))
            fb = self.figs.get((kernel, fs, wl, b))
            if fa and fb:
                out.append((fs, wl, ratio(fa, fb)))
        return out

    def table(self, kernel):
        targets = HOST_TARGETS if kernel == "host" else GUEST_TARGETS
        pairs = self.pairs(kernel)
        # (a column as wide as its name; "-": no figure)
        tw = [max(10, len(name)) for _, name in targets]
        pw = [max(20, len(label) + 1) for _, _, label in pairs]
        head = f"{'fs':<5} {'workload':<22}" + "".join(
            f" {name:>{w}}" for (_, name), w in zip(targets, tw))
        for (_, _, label), w in zip(pairs, pw):
            head += f"  {label:<{w}} {'verdict':<12}"
        head += f" {'load':>5} {'other':>5} {'cost':>6}"
        lines = [head]
        marked = False
        for fs, wl in self.rows(kernel):
            line = f"{fs:<5} {wl:<22}"
            cost = 0.0
            for (t, _), w in zip(targets, tw):
                f = self.figs.get((kernel, fs, wl, t))
                line += f" {num(f.median) if f else '-':>{w}}"
                if f:
                    cost += f.total
            for (a, b, label), w in zip(pairs, pw):
                fa = self.figs.get((kernel, fs, wl, a))
                fb = self.figs.get((kernel, fs, wl, b))
                if not (fa and fb):
                    line += f"  {'-':>6}{'':<{w - 6}} {'':<12}"
                    continue
                r, lo, hi, v = ratio(fa, fb)
                mark = ""
                if b == "direct" and not_same_work(wl):
                    mark, marked = "*", True
                else:
                    c = self.counts.setdefault((kernel, label), {})
                    c[v] = c.get(v, 0) + 1
                cell = f"{num(r) + mark:>6} [{num(lo)}-{num(hi)}]"
                line += f"  {cell:<{w}} {VERDICTS[v]:<12}"
            key = (kernel, fs, wl)
            ld, o = self.load.get(key), self.others(key)
            busy = self.is_busy(key)
            if busy:
                self.busy.append(key)
            ltxt = "-" if ld is None else f"{ld.l1:.1f}" + ("!" if busy else "")
            otxt = "-" if o is None else f"{o:.2f}"
            line += f" {ltxt:>5} {otxt:>5} {cost / 60:>5.1f}m"
            lines.append(line.rstrip())
        notes = ["seconds: median of the runs (the cold lookups, "
                 "lookup_miss_N, _hit_bottom_N and _path5_N: per 1,000 "
                 "walks, of 1,000 on layerfs and overlayfs, 20,000 on "
                 "layerfs immutable and direct); ratio: of the medians; "
                 "[interval]: min/max to max/min of the runs; verdict: "
                 "faster or slower when the whole interval is below or "
                 "above 1, within noise when it holds 1, too few runs when "
                 f"a side has fewer than {MIN_VERDICT_RUNS}; -: no figure "
                 "(layerfs immutable runs only the reads and lookups); "
                 "load: the "
                 "highest 1-minute load average of the host at the starts "
                 "and ends of the runs (this bench's guests included); "
                 "other: the cores every process but this bench's guests "
                 "used from the first run's start to the last run's end; "
                 "! when busy (another qemu running, other above "
                 f"{BUSY_CORES}, or, without other, load above "
                 f"{self.cores} cores); cost: minutes of "
                 "timed runs, all targets (of the cold lookups: their "
                 "figures times the runs)"]
        if marked:
            notes.append("* not the same work, left out of the counts: " +
                         "; ".join(f"{g}: {w}" for g, w in NOT_SAME_WORK))
        return lines, notes

    def goal_rows(self, kernel, fs):
        """[(workload, text, A Figure, B Figure, op, bound, (ratio, lo,
        hi) or None, verdict, load text)] of the lookup goals of KERNEL
        and FS; [] when none of their figures is there."""
        out, seen = [], False
        targets = dict(GUEST_TARGETS)

        def side(t, wl):
            n = wl.rsplit("_", 1)[1] if wl.startswith("lookup_") else ""
            return f"{targets[t]} {n}".rstrip()
        for wl, (a, wa), (b, wb), op, bound in lookup_goals():
            fa = self.figs.get((kernel, fs, wa, a))
            fb = self.figs.get((kernel, fs, wb, b))
            seen = seen or bool(fa or fb)
            rr, v = None, "none"
            if fa and fb:
                r, lo, hi, rv = ratio(fa, fb)
                rr = (r, lo, hi)
                v = "few" if rv == "few" else goal_verdict(lo, hi, op, bound)
            keys = [(kernel, fs, x) for x in dict.fromkeys((wa, wb))]
            l1 = [self.load[k].l1 for k in keys if k in self.load]
            busy = any(self.is_busy(k) for k in keys)
            ltxt = f"{max(l1):.1f}" + ("!" if busy else "") if l1 else "-"
            out.append((wl, f"{side(a, wa)} / {side(b, wb)}", fa, fb, op,
                        bound, rr, v, ltxt))
        return out if seen else []

    def goals(self):
        """The lookup goals section, as lines."""
        out = [f"Lookup goals (stacks of {GOAL_SMALL} and "
               f"{GOAL_LARGE} layers):", ""]
        blocks = 0
        for k in self.kernels:
            if k == "host":
                continue
            rel = self.meta.get(f"kernel_{k}")
            for fs in sorted({fs for fs, _ in self.rows(k)}):
                rows = self.goal_rows(k, fs)
                if not rows:
                    continue
                blocks += 1
                out += [f"{k}" + (f" ({rel})" if rel else "") + f", {fs}:",
                        ""]
                out.append(f"    {'workload':<21} {'ratio':<44} "
                           f"{'A':>8} {'B':>8}  {'ratio [interval]':<20} "
                           f"{'goal':<7} {'verdict':<12} {'load':>5}")
                count = {}
                for wl, text, fa, fb, op, bound, rr, v, ltxt in rows:
                    count[v] = count.get(v, 0) + 1
                    cell = f"{'-':>6}" if rr is None else \
                        f"{num(rr[0]):>6} [{num(rr[1])}-{num(rr[2])}]"
                    a = num(fa.median) if fa else "-"
                    b = num(fb.median) if fb else "-"
                    out.append(f"    {wl:<21} {text:<44} {a:>8} {b:>8}  "
                               f"{cell:<20} {f'{op} {bound:g}':<7} "
                               f"{GOAL_VERDICTS[v]:<12} {ltxt:>5}".rstrip())
                out += ["    " + ", ".join(
                    f"{count[v]} {name}" for v, name in GOAL_VERDICTS.items()
                    if count.get(v)), ""]
        if not blocks:
            return [out[0][:-1] + ": no figures (no lookup_*_"
                    f"{GOAL_SMALL} or _{GOAL_LARGE}, no readdir_100k* runs)"]
        return out + wrap([
            "A, B: median seconds of the ratio's two sides; [interval]: "
            "min(A)/max(B) to max(A)/min(B); verdict: MET when the whole "
            "interval is on the goal's side of its bound, NOT MET when the "
            "whole interval is on the other side, UNCLEAR when it holds the "
            f"bound, too few runs when a side has fewer than "
            f"{MIN_VERDICT_RUNS}, not measured when a side has no figure "
            "(-); load: as in the tables, of both sides' workloads"])

    def memory(self):
        """The section "Memory held", as lines (none without figures)."""
        if not self.mem:
            return []
        targets = [t for t in GUEST_TARGETS if t[0] != "direct"]
        out = [""] + wrap(["Memory held: KiB of kernel memory (unreclaimable "
                           "slab) a mount still held after a set of "
                           "workloads, median [min-max]:"]) + [""]
        head = f"{'kernel':<7} {'fs':<5} {'set':<12}" + "".join(
            f"  {label:>20}" for _, label in targets)
        out.append("    " + head)
        for k, fs, st in sorted({x[:3] for x in self.mem}):
            cells = []
            for t, _ in targets:
                m = self.mem.get((k, fs, st, t))
                cells.append(f"{m.median:.0f} [{m.min:.0f}-{m.max:.0f}]"
                             if m else "-")
            out.append("    " + f"{k:<7} {fs:<5} {st:<12}" +
                       "".join(f"  {c:>20}" for c in cells))
        return out + [""]

    def summary(self):
        lines = []
        order = [(k, label) for k in self.kernels
                 for _, _, label in self.pairs(k)]
        for kernel, label in sorted(self.counts, key=order.index):
            c = self.counts[(kernel, label)]
            parts = [f"{c.get(v, 0)} {name}" for v, name in VERDICTS.items()
                     if c.get(v, 0) or v != "few"]
            lines.append(f"{kernel} {label}: " + ", ".join(parts))
        return lines

    def header(self):
        m = self.meta
        kern = ", ".join(f"{k[len('kernel_'):]} ({v})" for k, v in m.items()
                         if k.startswith("kernel_"))
        runs = sorted({f.n for f in self.figs.values()})
        h = (f"{m.get('date', '?')}, commit {m.get('commit', '?')}, "
             f"{m.get('size', '?')} size, runs per figure: "
             f"{'-'.join(map(str, sorted({runs[0], runs[-1]}))) if runs else 0}")
        if m.get("only"):
            h += f", BENCH_ONLY=\"{m['only']}\""
        kern = kern or ", ".join(k for k in self.kernels if k != "host")
        h += f"; kernels: {kern or 'none (host only)'}"
        h += f"; qemu {m.get('qemu', '?')}, tcg; {self.cores} cores"
        if m.get("cpu"):
            h += f" ({m['cpu']})"
        h += "; " + self.load_line()
        guests = [f"{k[len('guest_seconds_'):]} {int(v) / 60:.1f} min"
                  for k, v in m.items() if k.startswith("guest_seconds_")]
        if guests:
            h += "; guest runs took " + ", ".join(guests)
        return h

    def load_line(self):
        if not self.marks:
            return "machine load not recorded"
        l1 = [x[0] for x in self.marks]
        other = max(x[1] for x in self.marks)
        return (f"host load (1 min) {min(l1):.1f}-{max(l1):.1f}, "
                f"other qemu processes up to {other}")

    def warning(self):
        if not self.busy:
            return []
        n = sum(len(self.rows(k)) for k in self.kernels)
        return [f"WARNING: the machine was busy during {len(self.busy)} of "
                f"{n} workloads (load marked !): their figures and "
                "verdicts are not to be trusted"]

    def text(self):
        """The whole report: header, tables, summary, as lines."""
        self.counts, self.busy = {}, []
        out = [self.header(), ""]
        tables, notes = {}, []
        for k in self.kernels:
            lines, tnotes = self.table(k)
            notes += [n for n in tnotes if n not in notes]
            rel = self.meta.get(f"kernel_{k}")
            title = "host: layermount unpack, inspect and commit" if k == "host" \
                else f"{k}" + (f" ({rel})" if rel else "")
            tables[k] = [title + ":", ""] + ["    " + x for x in lines] + [""]
            out += tables[k]
        out += wrap(notes) + [""]
        out += ["Verdicts:"] + ["    " + x for x in self.summary()]
        out += [""] + self.goals()
        out += self.memory()
        out += wrap(self.warning())
        return out, tables

    def quotable(self):
        """Why the README must not quote this run, or None."""
        if self.meta.get("size") == "smoke":
            return "a smoke run"
        few = sorted({f.n for f in self.figs.values() if f.n < README_RUNS})
        if few:
            return (f"figures of {', '.join(map(str, few))} runs (the README "
                    f"quotes only figures of {README_RUNS} runs or more: "
                    f"BENCH_RUNS={README_RUNS})")
        if not self.figs:
            return "no figures"
        return None


def wrap(notes, width=76):
    lines = []
    for n in notes:
        cur = ""
        for w in n.split():
            if cur and len(cur) + 1 + len(w) > width:
                lines.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}" if cur else w
        lines.append(cur)
    return lines


def gnuplot_chart(path, title, panels, footnote=""):
    """A PNG at PATH: one panel per (name, [(label, ratio, lo, hi,
    verdict)]), horizontal bars from 1.0 to the ratio on a logarithmic
    axis centred on 1.0, error bars for the intervals, colours for the
    verdicts. Returns an error text or None."""
    panels = [p for p in panels if p[1]]
    if not panels:
        return None
    ext = 1.25
    for _, rows in panels:
        for _, r, lo, hi, _ in rows:
            for x in (r, lo, hi):
                if 0 < x < math.inf:
                    ext = max(ext, x, 1 / x)
    ext = min(ext * 1.15, 1e4)     # a margin; beyond 10^4, clipped
    # tics on both sides of 1.0, at least a fifth of the axis apart
    steps, last = [], 1
    for v in (1.1, 1.25, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000,
              2000, 5000, 10000):
        if v <= ext and math.log(v / last) >= math.log(ext) / 5:
            steps.append(v)
            last = v
    tics = ", ".join(f"'{v:.2g}' {v}" if v < 10 else f"'{v:.0f}' {v}"
                     for v in [1 / v for v in reversed(steps)] + [1] + steps)
    cols = min(len(panels), 2)
    nrows = math.ceil(len(panels) / cols)
    longest = max(len(p[1]) for p in panels)
    width, height = 900 * cols, nrows * (120 + 26 * longest) + 80
    foot = "\\n".join(wrap([footnote], width // 8))
    height += 16 * foot.count("\\n")
    data = path + ".dat"
    script = [
        f"set terminal pngcairo noenhanced size {width},{height} font ',10'",
        f"set output '{path}'",
        "set logscale x",
        f"set xrange [{1 / ext}:{ext}]",
        f"set xtics ({tics})",
        "set grid xtics mxtics lc rgb '#e0e0e0'",
        "set style fill solid 0.85 border -1",
        "set key off",
        "set ytics nomirror",
        "set xlabel 'ratio (below 1: faster; bars: median ratio; "
        "error bars: min/max..max/min of the runs)'",
        "set arrow 1 from 1, graph 0 to 1, graph 1 nohead lw 2 lc rgb 'black'",
        f"set multiplot layout {nrows},{cols} title \"{title}\\n{foot}\"",
    ]
    with open(data, "w") as f:
        for i, (name, rows) in enumerate(panels):
            f.write(f"# {name}\n")
            for j, (label, r, lo, hi, v) in enumerate(rows):
                clip = (lambda x: min(max(x, 1 / ext), ext))
                f.write(f"{j} {clip(r)} {clip(min(r, 1))} {clip(max(r, 1))} "
                        f"{clip(lo)} {clip(hi)} "
                        f"0x{COLOURS[v][1:]} \"{label} {num(r)}\"\n")
            f.write("\n\n")
            n = len(rows)
            script += [
                f"set title \"{name}\"",
                f"set yrange [{n - 0.5}:-0.5]",
                f"plot '{data}' index {i} using 2:1:3:4:($1-0.35):($1+0.35):7"
                " with boxxyerror lc rgb variable, "
                f"'' index {i} using 2:1:5:6:ytic(8) with xerrorbars "
                "pt 7 ps 0.6 lc rgb 'black'",
            ]
    script += ["unset multiplot"]
    p = subprocess.run(["gnuplot"], input="\n".join(script) + "\n",
                       text=True, capture_output=True)
    if p.returncode != 0:
        return p.stderr.strip()
    return None


def charts(rep):
    """ratios.png, ratios-direct.png, ratios-host.png in the report's dir;
    a list of errors."""
    if not shutil.which("gnuplot"):
        return ["gnuplot not found: no charts (make deps installs it)"]
    legend = ("green: faster, red: slower, grey: within noise "
              "(interval holds 1.0), light grey: too few runs")
    errs = []
    guest = [k for k in rep.kernels if k != "host"]
    for label, name, path, keep in (
            ("layerfs/overlayfs", "layerfs/overlayfs", "ratios.png",
             lambda wl: True),
            ("layerfs/direct", "layerfs/direct", "ratios-direct.png",
             lambda wl: not not_same_work(wl))):
        a, b = [(x, y) for x, y, lab in GUEST_PAIRS if lab == label][0]
        panels = []
        for k in guest:
            rel = rep.meta.get(f"kernel_{k}", k)
            for fs in sorted({fs for fs, _ in rep.rows(k)}):
                rows = [(wl, *r) for f, wl, r in rep.ratios(k, a, b)
                        if f == fs and keep(wl)]
                busy = any(rep.is_busy((k, fs, wl)) for wl, *_ in rows)
                panels.append((f"{rel}, {fs}" +
                               (" (machine busy: see the table)" if busy else ""),
                               rows))
        foot = legend
        if path == "ratios-direct.png":
            foot += "; left out, not the same work: " + "; ".join(
                f"{g} ({w})" for g, w in NOT_SAME_WORK)
        e = gnuplot_chart(os.path.join(rep.dir, path),
                          f"{name} time ratio per workload, "
                          f"{rep.meta.get('date', '')}", panels, foot)
        if e:
            errs.append(f"{path}: {e}")
    if "host" in rep.kernels:
        panels = [(lab, [(wl, *r) for _, wl, r in rep.ratios("host", a, b)])
                  for a, b, lab in HOST_PAIRS]
        e = gnuplot_chart(os.path.join(rep.dir, "ratios-host.png"),
                          "host: layermount time ratio per workload", panels,
                          legend)
        if e:
            errs.append(f"ratios-host.png: {e}")
    return errs


def write_readme(path, rep, lines):
    why = rep.quotable()
    if why:
        sys.exit(f"bench-report: {path}: not quoting {rep.dir}: {why}")
    with open(path) as f:
        text = f.read()
    pat = re.compile(re.escape(BEGIN) + r"\n.*?" + re.escape(END) + r"\n",
                     re.S)
    if not pat.search(text):
        sys.exit(f"bench-report: {path}: no block between the markers "
                 f"{BEGIN!r} and {END!r}")
    block = [BEGIN, ""] + wrap(["Latest benchmark: " + lines[0]]) + \
        lines[1:] + ["", END]
    block = "\n".join(x.rstrip() for x in block) + "\n"
    with open(path, "w") as f:
        f.write(pat.sub(lambda _: block, text, count=1))


def main(argv):
    if len(argv) == 3 and argv[0] == "verdict":
        a = Figure.of_runs([float(x) for x in argv[1].split()])
        b = Figure.of_runs([float(x) for x in argv[2].split()])
        r, lo, hi, v = ratio(a, b)
        print(f"{num(r)} {num(lo)} {num(hi)} {v}")
        return 0
    readme = None
    if len(argv) >= 2 and argv[0] == "--readme":
        readme, argv = argv[1], argv[2:]
    if len(argv) != 1 or argv[0].startswith("-"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 1
    d = argv[0]
    try:
        rep = Report(d)
    except FileNotFoundError as e:
        sys.exit(f"bench-report: {d}: {e.strerror}: {e.filename} "
                 "(run make bench first)")
    lines, tables = rep.text()
    for k, t in tables.items():
        with open(os.path.join(d, f"table-{k}.txt"), "w") as f:
            f.write("\n".join(t) + "\n")
    with open(os.path.join(d, "report.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    status = 0
    for e in charts(rep):
        print(f"bench-report: {e}", file=sys.stderr)
        status = 1
    print(f"# data: {d}/bench.csv, bench-runs.csv, bench-load.csv; charts: "
          f"{d}/ratios.png, ratios-direct.png")
    if readme:
        write_readme(readme, rep, lines)
        print(f"# {readme}: the benchmark block rewritten")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
