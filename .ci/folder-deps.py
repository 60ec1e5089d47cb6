#!/usr/bin/env python3
# A copy of ../shared/tools/folder-deps.py, so that a clean checkout in CI can run it.
"""Folder-level dependency graph of a C# project, with its cycles.

Usage (from the repository root):  python3 ../shared/tools/folder-deps.py src/Agent [src/Controller ...]

A folder is a namespace (HaCluster.Agent.Vrrp -> src/Agent/Vrrp). An arrow A -> B means a file in A names B:
a `using B;`, `using static B.Type;`, a `using X = B.Type;` alias, or a fully qualified `B.Type` in code.
Parent namespaces are visible without `using` in C#, so an arrow into a parent (HaCluster.Agent) is listed too
when it is named. Generated code (obj/, bin/, Migrations/) is skipped. Prints every arrow with the files that
make it, then the cycles (strongly connected folders). Exit code 1 when there is a cycle, so it can run in CI.
"""
import os, re, sys, collections

NS_DECL = re.compile(r'^\s*namespace\s+([\w.]+)', re.M)
USING = re.compile(r'^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;', re.M)
QUALIFIED = re.compile(r'\b(HaCluster(?:\.\w+)+)\b')

def sources(roots):
    for root in roots:
        for d, dirs, files in os.walk(root):
            dirs[:] = [x for x in dirs if x not in ('bin', 'obj', 'Migrations')]
            for f in files:
                if f.endswith(('.cs', '.razor')):
                    yield os.path.join(d, f)

def strip(text):
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)

def main(roots):
    files = list(sources(roots))
    own = {}
    for f in files:
        m = NS_DECL.search(strip(open(f, encoding='utf-8', errors='replace').read()))
        if m:
            own[f] = m.group(1)
    known = set(own.values())
    def folder_of(name):  # longest known namespace that prefixes name
        best = None
        for ns in known:
            if name == ns or name.startswith(ns + '.'):
                if best is None or len(ns) > len(best):
                    best = ns
        return best
    edges = collections.defaultdict(lambda: collections.defaultdict(set))
    for f, src in own.items():
        text = strip(open(f, encoding='utf-8', errors='replace').read())
        names = set(USING.findall(text)) | set(QUALIFIED.findall(text))
        for n in names:
            tgt = folder_of(n)
            if tgt and tgt != src and not src.startswith(tgt + '.'):
                edges[src][tgt].add(os.path.relpath(f))
    for s in sorted(edges):
        for t in sorted(edges[s]):
            fs = sorted(edges[s][t])
            print(f"{s} -> {t}  ({len(fs)}: {', '.join(os.path.basename(x) for x in fs[:6])}{' ...' if len(fs) > 6 else ''})")
    # Tarjan's strongly connected components
    index, low, stack, on, out, i = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1:
                out.append(sorted(comp))
    sys.setrecursionlimit(10000)
    for v in sorted(known):
        if v not in index:
            visit(v)
    print()
    if not out:
        print("no cycles between folders")
        return 0
    for comp in out:
        print("cycle: " + " <-> ".join(comp))
        for a in comp:
            for b in comp:
                if b in edges.get(a, {}):
                    print(f"    {a} -> {b}: {', '.join(sorted(os.path.basename(x) for x in edges[a][b])[:6])}")
    print(f"{len(out)} cycle(s) between folders")
    return 1

if __name__ == '__main__':
    if len(sys.argv) < 2:
        print(__doc__); sys.exit(2)
    sys.exit(main(sys.argv[1:]))
