#!/usr/bin/env python3
"""Renders docs/benchmarks.md, docs/benchmarks.png and docs/benchmarks.json from one run.

usage: render.py --timings T.json --memory M.json --instructions I.json --meta META.json
                 --markdown docs/benchmarks.md --plot docs/benchmarks.png --data docs/benchmarks.json

T.json is Google Benchmark's JSON with --benchmark_repetitions (the median aggregates are used),
M.json is objpool_bench_memory's output, I.json is instructions.py's, META.json holds the stamp
(date, cpu, compiler, load, command).
"""
import argparse
import importlib.util
import json
import os
from collections import defaultdict

WORKLOADS = ["churn", "fill-drain", "random", "shuffle"]
SIZES = [1000, 1000000]

# What each implementation checks on free, and what it does on get: shown in the report so the
# comparison stays honest.
PEERS = {
    "bare LIFO stack": "reference: pre-filled index stack + allocation bit; checks range and double free",
    "bare ring": "reference: pre-filled index ring + allocation bit; checks range and double free",
    "bare bitmap": "reference: flat bitmap, scan from the lowest non-full word; checks range and double free",
    "variable-depth bitmap": "reference: 64-ary bitmap tree as a vector of levels, loops over the depth; checks range and double free",
    "new/delete": "peer: `new Payload` / `delete` (glibc malloc; constructs; tcache catches some double frees)",
    "std::pmr pool": "peer: `std::pmr::unsynchronized_pool_resource` allocate/deallocate of 64 bytes; no construction, no checks",
    "boost::pool<>": "peer: `boost::pool<>` malloc/free of 64-byte chunks, sized for n; no construction, no checks",
    "boost::object_pool": "peer: `boost::object_pool<Payload>` construct/destroy, sized for n; no checks; destroy keeps the free list sorted (O(free chunks))",
    "foonathan node_pool": "peer: `foonathan::memory::memory_pool<node_pool>`, one block of n nodes; no construction; Debian's build has its debug checks off",
    "naive deque+set": "baseline: port of the reference design (deque of never-used ids, unordered_set of allocated ids, deque of freed ids); checks double free",
}


def is_objpool(name):
    return name.startswith("IdPool") or name.startswith("ObjectPool")


def describe(name):
    if name in PEERS:
        return PEERS[name]
    if name.startswith("IdPool"):
        return "objpool: `get()` / checked `free(id)` (range and double free)"
    if name.startswith("ObjectPool raw"):
        return "objpool: `acquire()` / checked `free(T*)` (pointer belongs to the pool, double free)"
    return "objpool: `get()` returns a Lease, whose destructor gives the object back"


def policy_of(name):
    for policy in ("Fifo", "Lifo", "Bitmap"):
        if f"<{policy}" in name:
            return policy
    return None


def load_timings(path):
    """{(workload, impl, n): median ns per pair}, in the order the benchmarks ran."""
    with open(path) as file:
        data = json.load(file)
    result = {}
    order = []
    for entry in data["benchmarks"]:
        if entry.get("run_type") == "aggregate" and entry.get("aggregate_name") != "median":
            continue
        name = entry.get("run_name", entry["name"])
        workload, rest = name.split("/", 1)
        impl, n = rest.rsplit("/", 1)
        key = (workload, impl, int(n))
        if entry.get("run_type") == "aggregate" or key not in result:
            result[key] = 1e9 / entry["items_per_second"]
        if impl not in order:
            order.append(impl)
    return result, order, data.get("context", {})


def fmt_ns(value):
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_ratio(value):
    if value is None:
        return "—"
    return f"{value:.1f}x" if value >= 10 else f"{value:.2f}x"


def check_targets(timings, impls, memory, instructions):
    """[(target, measured, met)] for every target of issue 3."""
    rows = []
    t = timings.get
    instr = instructions["instructions_per_pair"]
    mem = {entry["name"]: entry for entry in memory["implementations"]}

    count = instr.get("IdPool<Lifo>")
    rows.append(("IdPool<Lifo> churn: at most 20 instructions per pair (double-free check on)",
                 f"{count:.1f} instructions" if count is not None else "—",
                 count is not None and count <= 20))
    for n in SIZES:
        ours, ref = t(("churn", "IdPool<Lifo>", n)), t(("churn", "bare LIFO stack", n))
        if ours and ref:
            rows.append((f"IdPool<Lifo> churn no slower than a bare checked LIFO stack (n = {n:,})",
                         f"{fmt_ns(ours)} vs {fmt_ns(ref)} ns ({ours / ref:.2f}x)", ours <= ref))
    for workload in WORKLOADS:
        for n in SIZES:
            ours, ref = t((workload, "IdPool<Fifo>", n)), t((workload, "bare ring", n))
            if ours and ref:
                rows.append((f"IdPool<Fifo> no slower than a bare checked ring: {workload}, n = {n:,}",
                             f"{fmt_ns(ours)} vs {fmt_ns(ref)} ns ({ours / ref:.2f}x)", ours <= ref))
    raw = "ObjectPool raw<Lifo, Reuse>"
    for n in SIZES:
        ours = t(("churn", raw, n))
        boost, foonathan = t(("churn", "boost::pool<>", n)), t(("churn", "foonathan node_pool", n))
        if ours and boost:
            rows.append((f"{raw} churn within 1.5x of boost::pool<> (n = {n:,})",
                         f"{fmt_ns(ours)} vs {fmt_ns(boost)} ns ({ours / boost:.2f}x)", ours <= 1.5 * boost))
        if ours and foonathan:
            rows.append((f"{raw} churn at least 2x faster than foonathan node_pool (n = {n:,})",
                         f"{fmt_ns(ours)} vs {fmt_ns(foonathan)} ns ({foonathan / ours:.2f}x faster)",
                         2 * ours <= foonathan))
    ours, ref = t(("random", "IdPool<Bitmap>", 1000000)), t(("random", "variable-depth bitmap", 1000000))
    if ours and ref:
        rows.append(("IdPool<Bitmap> random, n = 10^6: at most 0.7x a variable-depth bitmap",
                     f"{fmt_ns(ours)} vs {fmt_ns(ref)} ns ({ours / ref:.2f}x)", ours <= 0.7 * ref))
    # "Every policy": the three IdPool<Policy>, the id manager the naive port also is. The
    # object pools are reported too, for information (they also build and touch objects).
    for label, chosen in (("every policy (IdPool<Fifo|Lifo|Bitmap>)", lambda i: i.startswith("IdPool")),
                          ("for information, every ObjectPool configuration", lambda i: i.startswith("ObjectPool"))):
        worst = None
        worst_random = None
        for workload in WORKLOADS:
            for n in SIZES:
                naive = t((workload, "naive deque+set", n))
                if not naive:
                    continue
                for impl in impls:
                    if not chosen(impl) or not t((workload, impl, n)):
                        continue
                    speedup = naive / t((workload, impl, n))
                    if worst is None or speedup < worst[0]:
                        worst = (speedup, workload, impl, n)
                    if workload == "random" and n == 1000000 and (worst_random is None or speedup < worst_random[0]):
                        worst_random = (speedup, impl)
        if worst:
            rows.append((f"{label}: at least 10x faster than the naive port on every workload",
                         f"slowest: {worst[2]} on {worst[1]}, n = {worst[3]:,}: {worst[0]:.1f}x", worst[0] >= 10))
        if worst_random:
            rows.append((f"{label}: at least 40x faster than the naive port on random, n = 10^6",
                         f"slowest: {worst_random[1]}: {worst_random[0]:.1f}x", worst_random[0] >= 40))
    for policy, limit in (("Fifo", 4.2), ("Lifo", 4.2), ("Bitmap", 0.14)):
        entry = mem.get(f"IdPool<{policy}>")
        if entry:
            value = entry["bookkeeping_bytes_per_slot"]
            rows.append((f"{policy} bookkeeping at most {limit} bytes per slot", f"{value:.3f} bytes", value <= limit))
    for policy in ("Fifo", "Lifo", "Bitmap"):
        entry = mem.get(f"IdPool<{policy}>")
        if entry and entry["creation_ms"] is not None:
            value = entry["creation_ms"]
            rows.append((f"creating an IdPool<{policy}> of 10^7 ids under 1 ms",
                         f"{value * 1000:.1f} µs", value < 1.0))
    return rows


THREAD_SAFE_SECTION = """## Thread-safe pools

`scripts/bench.sh concurrent` measures the thread-safe pools (`ConcurrentObjectPool<T, P>` and
`ConcurrentIdPool<P>`) at 1, 2, 4 and 8 threads against glibc's, mimalloc's, jemalloc's and TBB's
allocators, `std::pmr::synchronized_pool_resource` and id free lists made of
moodycamel::ConcurrentQueue and boost::lockfree, on a same-thread and a cross-thread workload;
[concurrency.md](concurrency.md#benchmarks) describes the method and the peers.
"""


def concurrent_figures(path):
    """The section benchmarks/concurrent/render.py publishes, kept from the file being replaced."""
    spec = importlib.util.spec_from_file_location(
        "concurrent_render", os.path.join(os.path.dirname(os.path.abspath(__file__)), "concurrent", "render.py"))
    concurrent_render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(concurrent_render)
    begin, end = concurrent_render.BEGIN, concurrent_render.END
    previous = ""
    if os.path.exists(path):
        with open(path) as file:
            previous = file.read()
    if begin in previous and end in previous.split(begin, 1)[1]:
        return begin + previous.split(begin, 1)[1].split(end, 1)[0] + end + "\n"
    return f"{begin}\nNot measured yet: run `scripts/bench.sh concurrent`.\n{end}\n"


def render_markdown(path, timings, impls, memory, instructions, meta, targets):
    mem = {entry["name"]: entry for entry in memory["implementations"]}
    instr = instructions["instructions_per_pair"]
    out = []
    out.append("# Benchmarks\n")
    out.append("Generated by `scripts/bench.sh` (rendering: `benchmarks/render.py`); do not edit by hand.\n")
    out.append(f"- Date: {meta['date']}")
    out.append(f"- CPU: {meta['cpu']} ({meta['cores']} cores); load average before the run: {meta['load_before']}, after: {meta['load_after']}")
    out.append(f"- Compiler: {meta['compiler']}, `-O3 -DNDEBUG` (CMake Release); Google Benchmark {meta.get('benchmark', '1.7.1')}")
    out.append(f"- Timings: median of {meta['repetitions']} repetitions, `--benchmark_min_time={meta['min_time']}`; "
               "instructions: callgrind, see below")
    out.append("")
    out.append("Figures are **nanoseconds per get+free pair** (Google Benchmark's items_per_second counts pairs), "
               "the median of the repetitions; *x fastest* is the ratio to the fastest implementation of that "
               "workload and size. The object pools hold a 64-byte struct (`Payload`, zeroed when constructed). "
               "This machine is shared and noisy: compare ratios within one run, not absolute figures across runs.\n")
    out.append("## Targets\n")
    out.append("| target | measured | met |")
    out.append("|---|---|---|")
    for target, measured, met in targets:
        out.append(f"| {target} | {measured} | {'yes' if met else '**no**'} |")
    out.append("")
    out.append("## Workloads\n")
    out.append("- **churn**: n/2 out, then get one and free it, repeatedly.")
    out.append("- **fill-drain**: get all n, then free all n in reverse order (n pairs an iteration; one untimed "
               "fill-drain first, so first-touch page faults and lazy set-up are not timed).")
    out.append("- **random**: n/2 out; each step frees the handle at a pseudo-random position (precomputed) and "
               "gets one into its place.")
    out.append("- **shuffle**: n/2 out; each step frees a pseudo-random batch of n/8 outstanding handles, then "
               "gets n/8 (the order in which a policy hands slots back matters here, unlike in random where "
               "LIFO returns the slot just freed).")
    out.append("")
    out.append("Every workload starts from a fresh pool. Each get checks for exhaustion (a predictable branch "
               "every implementation pays) and `benchmark::DoNotOptimize` keeps every handle.\n")
    for workload in WORKLOADS:
        out.append(f"### {workload}\n")
        out.append("| implementation | ns/pair, n = 1,000 | x fastest | ns/pair, n = 10^6 | x fastest |")
        out.append("|---|---:|---:|---:|---:|")
        fastest = {n: min((v for (w, _, m), v in timings.items() if w == workload and m == n), default=None)
                   for n in SIZES}
        for impl in impls:
            cells = []
            for n in SIZES:
                value = timings.get((workload, impl, n))
                cells.append(fmt_ns(value) if value is not None else "skipped")
                cells.append(fmt_ratio(value / fastest[n]) if value is not None and fastest[n] else "—")
            name = f"**{impl}**" if is_objpool(impl) else impl
            out.append(f"| {name} | " + " | ".join(cells) + " |")
        out.append("")
    if any(impl == "boost::object_pool" for impl in impls):
        out.append("*skipped*: boost::object_pool's `destroy()` inserts into a sorted free list, so shuffle at "
                   "n = 10^6 (125,000 frees in random order into a list of 500,000) would take minutes a step.\n")
    out.append("## Memory, creation time and instructions\n")
    out.append(f"- **bookkeeping B/slot**: heap bytes beyond the objects themselves, per slot, at n = "
               f"{memory['bookkeeping_n']:,}. objpool's pools: `bookkeeping_bytes() / n`. Every implementation "
               "(objpool's too, as a cross-check) is also *measured*: glibc `mallinfo2()` heap in use "
               "(`uordblks + hblkhd`, chunk headers included) after creating the pool and after getting all n, "
               "minus the heap in use before and minus n x 64 bytes for object pools; the larger of the two, "
               "divided by n.")
    out.append(f"- **create 10^7**: constructing a pool of {memory['creation_n']:,} ids or objects and getting "
               "the first one (lazy pools do their set-up on the first get), median of 5; destruction not timed. "
               "new/delete and std::pmr have no pool of n to create.")
    out.append(f"- **instructions/pair**: churn at n = {instructions['pool_size']:,}, counted with "
               "`valgrind --tool=callgrind`: `objpool_bench_instructions <impl> N` with N = "
               f"{instructions['pairs']:,} and with N = 0 (same set-up), difference / N. The loop and "
               "`benchmark::DoNotOptimize` (which clobbers memory, so pool state is reloaded every pair) are "
               "included, exactly as in the timed churn loop.\n")
    out.append("| implementation | bookkeeping B/slot | measured B/slot | create 10^7 (ms) | instructions/pair (churn) | what it does |")
    out.append("|---|---:|---:|---:|---:|---|")
    for impl in impls:
        entry = mem.get(impl, {})
        own = entry.get("bookkeeping_bytes_per_slot")
        measured = entry.get("measured_bytes_per_slot")
        create = entry.get("creation_ms")
        count = instr.get(impl)
        name = f"**{impl}**" if is_objpool(impl) else impl
        out.append(f"| {name} | {own:.3f} |" if own is not None else f"| {name} | — |")
        out[-1] += (f" {measured:.2f} |" if measured is not None else " — |")
        out[-1] += (f" {create:.3f} |" if create is not None else " n/a |")
        out[-1] += (f" {count:.1f} |" if count is not None else " — |")
        out[-1] += f" {describe(impl)} |"
    out.append("")
    out.append("![ns per get+free pair, log scale](benchmarks.png)\n")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
    if os.path.exists(notes):
        with open(notes) as file:
            out.append(file.read().rstrip() + "\n")
    out.append(THREAD_SAFE_SECTION)
    out.append(concurrent_figures(path))
    out.append("## Reproduce\n")
    out.append("```sh\nscripts/bench.sh            # builds build/bench (Release), runs, renders docs/\n"
               "scripts/bench.sh concurrent # the thread-safe pools: the figures of the section above\n```\n")
    out.append(f"Run command: `{meta['command']}`\n")
    with open(path, "w") as file:
        file.write("\n".join(out))


def render_plot(path, timings, impls, meta):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 1, figsize=(22, 13), sharey=True)
    ours = [impl for impl in impls if is_objpool(impl)]
    others = [impl for impl in impls if not is_objpool(impl)]
    blues = plt.get_cmap("Blues")
    greens = plt.get_cmap("Greens")
    purples = plt.get_cmap("Purples")
    warm = plt.get_cmap("tab20")
    colors = {}
    for index, impl in enumerate(ours):
        shade = 0.35 + 0.6 * (index % 6) / 5
        colors[impl] = (blues if impl.startswith("IdPool") else greens if "raw" in impl else purples)(shade)
    for index, impl in enumerate(others):
        colors[impl] = warm((2 * index + 2) % 20)
    width = 0.8 / len(impls)
    for axis, n in zip(axes, SIZES):
        for index, impl in enumerate(impls):
            xs, ys = [], []
            for position, workload in enumerate(WORKLOADS):
                value = timings.get((workload, impl, n))
                if value is not None:
                    xs.append(position - 0.4 + (index + 0.5) * width)
                    ys.append(value)
            axis.bar(xs, ys, width=width, color=colors[impl], label=impl, edgecolor="none")
        axis.set_yscale("log")
        axis.set_xticks(range(len(WORKLOADS)))
        axis.set_xticklabels(WORKLOADS, fontsize=12)
        axis.set_ylabel("ns per get+free pair (log)")
        axis.set_title(f"n = {n:,}")
        axis.grid(axis="y", which="both", alpha=0.3)
    axes[0].legend(ncol=5, fontsize=8, loc="upper left", bbox_to_anchor=(0, 1.32))
    figure.suptitle(f"objpool benchmarks, {meta['date']}, {meta['cpu']}, {meta['compiler']} "
                    f"(median of {meta['repetitions']})", y=0.995)
    figure.tight_layout(rect=(0, 0, 1, 0.93))
    figure.savefig(path, dpi=90)


def main():
    parser = argparse.ArgumentParser()
    for option in ("timings", "memory", "instructions", "meta", "markdown", "plot", "data"):
        parser.add_argument(f"--{option}", required=True)
    args = parser.parse_args()
    timings, impls, context = load_timings(args.timings)
    with open(args.memory) as file:
        memory = json.load(file)
    with open(args.instructions) as file:
        instructions = json.load(file)
    with open(args.meta) as file:
        meta = json.load(file)
    targets = check_targets(timings, impls, memory, instructions)
    render_markdown(args.markdown, timings, impls, memory, instructions, meta, targets)
    render_plot(args.plot, timings, impls, meta)
    data = {
        "meta": meta,
        "context": context,
        "ns_per_pair": [{"workload": w, "implementation": i, "n": n, "median_ns": round(v, 4)}
                        for (w, i, n), v in timings.items()],
        "memory": memory,
        "instructions": instructions,
        "targets": [{"target": a, "measured": b, "met": c} for a, b, c in targets],
    }
    with open(args.data, "w") as file:
        json.dump(data, file, indent=1)
    for target, measured, met in targets:
        print(f"{'met   ' if met else 'MISSED'}  {target}: {measured}")


if __name__ == "__main__":
    main()
