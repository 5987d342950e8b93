#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""lab.py: kernel-course labs from the real code (Documentation/labs/).

The teachable steps of kmod/ and helper/ are marked in the source, one
pair of comments per region, and nothing else:

    /* LAB 2.1 BEGIN: a hint, one line */
    ... the code exercise 2.1 asks the student to write ...
    /* LAB 2.1 END */

Exercise N.M's test is tests/labs/lN_M_WHAT.sh (a guest test, or a host
test when its first lines say "# lab-test: host"). What a region becomes
in the student tree is its stub: the k-th section "@ N.M FILE" of
tests/labs/stubs is the stub of the k-th region of N.M in FILE, placed
under a "TODO N.M: hint" comment at the indentation of the BEGIN marker.
A stub compiles without warnings and fails cleanly (an errno, or the
simplest wrong path; never an oops, never a leak that keeps rmmod from
working).

    lab.py gen N OUT [N.M ...]
                         the student tree of lab N in OUT: lab N's regions
                         replaced by their stubs (only those of the
                         exercises N.M given, if any: to start one again),
                         every other marker line dropped
    lab.py exercises N   the exercises of lab N, one a line, tab-separated:
                         N.M, test name, guest|host, FILE:FUNCTION, hint,
                         what the test checks
    lab.py labs          the lab numbers that have exercises
    lab.py vfs-table     the table of Documentation/filesystems/layerfs.rst
                         from each VFS operation to its function and file,
                         made from the *_operations structs of kmod/
    lab.py check         that table is up to date, every layerfs_*() and
                         lm_*() the labs and the reading guide cite
                         exists, the markers are paired, not nested, each exercise
                         has a test and each stub section a region (lint)
"""
import os
import re
import shutil
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABS = os.path.join(TOP, "tests", "labs")
SRC_DIRS = ("kmod", "helper")
BEGIN = re.compile(r"^(\s*)/\* LAB (\d+)\.(\d+) BEGIN: (.+) \*/$")
END = re.compile(r"^\s*/\* LAB (\d+)\.(\d+) END \*/$")
ANY = re.compile(r"/\* LAB \d")
FUNC = re.compile(r"^[a-z].*?\b([a-z_][a-z0-9_]*)\(")
TEST = re.compile(r"^l(\d+)_(\d+)_[a-z0-9_]+\.sh$")


def die(msg):
    print("lab.py: " + msg, file=sys.stderr)
    sys.exit(1)


def sources():
    """Every file that may carry markers, relative to TOP."""
    out = []
    for d in SRC_DIRS:
        for f in sorted(os.listdir(os.path.join(TOP, d))):
            if f.endswith((".c", ".h")):
                out.append(d + "/" + f)
    return out


def regions(rel):
    """The regions of file REL: (exercise, begin line, end line, hint,
    indentation, function) with 0-based line numbers of the markers. The
    function is the one the region is in, or for a region at file scope
    the first one it defines."""
    with open(os.path.join(TOP, rel)) as f:
        lines = f.read().split("\n")
    out, cur, func = [], None, "?"
    for i, line in enumerate(lines):
        m = FUNC.match(line)
        if m and not line.startswith(("static const", "const")):
            func = m.group(1)
        b, e = BEGIN.match(line), END.match(line)
        if b:
            if cur:
                die("%s:%d: LAB %s BEGIN inside LAB %s" %
                    (rel, i + 1, b.group(2) + "." + b.group(3), cur[0]))
            cur = (b.group(2) + "." + b.group(3), i, b.group(4),
                   b.group(1), func)
        elif e:
            ex = e.group(1) + "." + e.group(2)
            if not cur or cur[0] != ex:
                die("%s:%d: LAB %s END without its BEGIN" % (rel, i + 1, ex))
            fn = cur[4]
            if not cur[3]:
                inner = [FUNC.match(x) for x in lines[cur[1] + 1:i]]
                inner = [m.group(1) for m in inner if m]
                fn = inner[0] if inner else fn
            out.append((cur[0], cur[1], i, cur[2], cur[3], fn))
            cur = None
        elif ANY.search(line):
            die("%s:%d: malformed LAB marker: %s" % (rel, i + 1, line.strip()))
    if cur:
        die("%s:%d: LAB %s BEGIN without its END" % (rel, cur[1] + 1, cur[0]))
    return lines, out


def stubs():
    """{(exercise, file): [stub lines, ...]} from tests/labs/stubs."""
    out, key = {}, None
    with open(os.path.join(LABS, "stubs")) as f:
        for line in f.read().split("\n"):
            if line.startswith("@ "):
                _, ex, rel = line.split()
                key = (ex, rel)
                out.setdefault(key, []).append([])
            elif key:
                out[key][-1].append(line)
    for chunks in out.values():
        for c in chunks:
            while c and not c[-1].strip():
                c.pop()
    return out


def tests():
    """{exercise: (name, kind, description)} from tests/labs/."""
    out = {}
    for f in sorted(os.listdir(LABS)):
        m = TEST.match(f)
        if not m:
            continue
        with open(os.path.join(LABS, f)) as fh:
            head = fh.read().split("\n")[:8]
        kind = "host" if "# lab-test: host" in head else "guest"
        # the comment under the first line, up to the first other line
        desc = []
        for h in head[1:]:
            if not h.startswith("#"):
                break
            if not h.startswith(("# lab-test", "# timeout")):
                desc.append(h[1:].strip())
        desc = " ".join(desc)
        out[m.group(1) + "." + m.group(2)] = (f[:-3], kind, desc)
    return out


def all_regions():
    return {rel: regions(rel) for rel in sources()}


def exercises(lab, regs):
    """[(exercise, test, kind, where, hint, description)] of lab LAB."""
    ts, seen, out = tests(), {}, []
    for rel, (_, rs) in regs.items():
        for ex, _, _, hint, _, func in rs:
            if ex.split(".")[0] != str(lab):
                continue
            # file, hint, and every function the exercise's regions are in
            rel0, hint0, funcs = seen.setdefault(ex, (rel, hint, []))
            if rel == rel0 and func not in funcs:
                funcs.append(func)
    for ex in sorted(seen, key=lambda e: int(e.split(".")[1])):
        name, kind, desc = ts.get(ex, ("", "", ""))
        rel, hint, funcs = seen[ex]
        where = rel + ":" + " and ".join(f + "()" for f in funcs)
        out.append((ex, name, kind, where, hint, desc))
    return out


OPS = re.compile(r"^(?:static )?const struct (\w+_operations|xattr_handler) "
                 r"(\w+) = \{$")
MEMBER = re.compile(r"^\t\.(\w+)\s*= (\w+),?$")
TABLE_START = ".. vfs-table start (vm/lab.py vfs-table)"
TABLE_END = ".. vfs-table end"
GUIDE = "Documentation/filesystems/layerfs.rst"


def kmod_text():
    return {f: open(os.path.join(TOP, "kmod", f)).read()
            for f in sorted(os.listdir(os.path.join(TOP, "kmod")))
            if f.endswith((".c", ".h"))}


def defined_in(name, texts):
    """The kmod/ file that defines function NAME, or how it is made."""
    for f, t in texts.items():
        if f.endswith(".c") and re.search(r"^[a-z].*\b%s\(" % name, t, re.M):
            return f
    for f, t in texts.items():
        if re.search(r"^LAYERFS_DEFINE_\w+\(%s\)$" % name[:-3], t, re.M):
            return "%s (%s(), compat.h prototype)" % (f, name[:-3])
    m = re.findall(r"^#define %s\s+(\w+)" % name, texts["compat.h"], re.M)
    if m:
        return "compat.h: the kernel's " + " or ".join(x + "()" for x in m)
    return "the kernel's"


def vfs_rows():
    texts, rows = kmod_text(), []
    acl = re.search(r"#define LAYERFS_ACL_IOPS\s*\\\n((?:.*\\\n)*.*)",
                    texts["compat.h"]).group(1)
    acl = [m for m in re.findall(r"\.(\w+)\s*= (\w+)", acl)]
    for f, t in texts.items():
        cur = None
        for line in t.split("\n"):
            m = OPS.match(line)
            if m:
                cur = m.group(2)
                continue
            if cur and line == "};":
                cur = None
            if not cur:
                continue
            m = MEMBER.match(line)
            pairs = [m.groups()] if m else acl if "LAYERFS_ACL_IOPS" in line else []
            for op, fn in pairs:
                where = defined_in(fn, texts) if fn.startswith("layerfs_") \
                    else "the kernel's"
                if not m:
                    where += " (6.12, 7.3; on 6.1 ->get_acl is layerfs_get_inode_acl(): compat.h)"
                rows.append((cur, "->" + op, fn + "()", where))
    return rows


def vfs_table():
    rows = [("struct", "operation", "function", "defined in")] + vfs_rows()
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    sep = "  ".join("=" * x for x in w)
    out = [TABLE_START, "", sep]
    for k, r in enumerate(rows):
        out.append("  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip())
        if k == 0:
            out.append(sep)
    out += [sep, "", TABLE_END]
    return "\n".join(out)


def cited_names_missing():
    """layerfs_*() and lm_*() the documentation cites but the code lacks."""
    code = ""
    for d in SRC_DIRS:
        for f in os.listdir(os.path.join(TOP, d)):
            if f.endswith((".c", ".h")):
                code += open(os.path.join(TOP, d, f)).read()
    docs = [GUIDE, "Documentation/harness.rst"]
    ldir = os.path.join(TOP, "Documentation", "labs")
    if os.path.isdir(ldir):
        docs += ["Documentation/labs/" + f for f in sorted(os.listdir(ldir))]
    errs = []
    for d in docs:
        text = open(os.path.join(TOP, d)).read()
        for name in sorted(set(re.findall(r"\b((?:layerfs|lm)_\w+)\(\)", text))):
            if not re.search(r"\b%s\b" % name, code):
                errs.append("%s: cites %s(), which is not in kmod/ or helper/"
                            % (d, name))
    return errs


def check():
    regs, st, ts = all_regions(), stubs(), tests()
    used, exs = {}, set()
    for rel, (_, rs) in regs.items():
        for r in rs:
            exs.add(r[0])
            k = (r[0], rel)
            used[k] = used.get(k, 0) + 1
    errs = []
    for rel, (lines, rs) in regs.items():
        for r in rs:
            if len(lines[r[1]].expandtabs(8)) > 100:
                errs.append("%s:%d: LAB %s BEGIN: over 100 columns (checkpatch)"
                            % (rel, r[1] + 1, r[0]))
    for k, chunks in st.items():
        if used.get(k, 0) != len(chunks):
            errs.append("tests/labs/stubs: %d stubs for %s in %s, %d regions"
                        % (len(chunks), k[0], k[1], used.get(k, 0)))
    for k, n in used.items():
        if k not in st:
            errs.append("%s: LAB %s has %d regions and no stub" % (k[1], k[0], n))
    for ex in sorted(exs - set(ts)):
        errs.append("LAB %s: no test tests/labs/l%s_*.sh" % (ex, ex.replace(".", "_")))
    for ex in sorted(set(ts) - exs):
        errs.append("tests/labs/%s.sh: no LAB %s region in the code" % (ts[ex][0], ex))
    guide = open(os.path.join(TOP, GUIDE)).read()
    if vfs_table() not in guide:
        errs.append("%s: the VFS operations table is not what `vm/lab.py "
                    "vfs-table` prints" % GUIDE)
    errs += cited_names_missing()
    for e in errs:
        print(e)
    return 1 if errs else 0


def gen(lab, out, only):
    regs, st = all_regions(), stubs()
    exs = exercises(lab, regs)
    if not exs:
        die("lab %s has no exercises (labs: %s)" % (lab, " ".join(labs(regs))))
    for ex in only:
        if ex not in [e[0] for e in exs]:
            die("lab %s has no exercise %s" % (lab, ex))
    if os.path.isdir(out):
        shutil.rmtree(out)
    for d in SRC_DIRS:
        os.makedirs(os.path.join(out, d))
        for f in sorted(os.listdir(os.path.join(TOP, d))):
            src = os.path.join(TOP, d, f)
            # sources only: helper/ holds its objects and program too
            if (os.path.isfile(src) and (d + "/" + f) not in regs and
                    (f in ("Makefile", "Kbuild") or
                     f.endswith((".mk", ".8")))):
                shutil.copy2(src, os.path.join(out, d, f))
    for f in ("Kbuild", "VERSION"):
        shutil.copy2(os.path.join(TOP, f), os.path.join(out, f))
    for rel, (lines, rs) in regs.items():
        res, skip_to, k = [], -1, {}
        starts = {r[1]: r for r in rs}
        for i, line in enumerate(lines):
            if i <= skip_to:
                continue
            r = starts.get(i)
            if r and r[0].split(".")[0] == str(lab) and (not only or r[0] in only):
                ex, _, end, hint, ind, _ = r
                n = k.get(ex, 0)
                k[ex] = n + 1
                res.append("%s/* TODO %s: %s */" % (ind, ex, hint))
                for s in st[(ex, rel)][n]:
                    res.append(ind + s if s.strip() else "")
                skip_to = end
            elif BEGIN.match(line) or END.match(line):
                continue
            else:
                res.append(line)
        with open(os.path.join(out, rel), "w") as f:
            f.write("\n".join(res))
    os.makedirs(os.path.join(out, "tests"))
    with open(os.path.join(out, "EXERCISES"), "w") as f:
        for e in exs:
            shutil.copy2(os.path.join(LABS, e[1] + ".sh"), os.path.join(out, "tests"))
            f.write("\t".join(e) + "\n")
    print("lab %s: student tree in %s (%s)" %
          (lab, os.path.relpath(out), ", ".join(e[0] + " " + e[3] for e in exs)))


def labs(regs):
    return sorted({r[0].split(".")[0] for _, rs in regs.values() for r in rs},
                  key=int)


def main(argv):
    if len(argv) >= 2 and argv[1] == "check":
        return check()
    if len(argv) >= 2 and argv[1] == "vfs-table":
        print(vfs_table())
        return 0
    if len(argv) >= 2 and argv[1] == "labs":
        print(" ".join(labs(all_regions())))
        return 0
    if len(argv) == 3 and argv[1] == "exercises":
        for e in exercises(argv[2], all_regions()):
            print("\t".join(e))
        return 0
    if len(argv) >= 4 and argv[1] == "gen":
        if not argv[2].isdigit():
            die("LAB must be a number, not '%s'" % argv[2])
        gen(argv[2], argv[3], argv[4:])
        return 0
    print(__doc__, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
