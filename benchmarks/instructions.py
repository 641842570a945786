#!/usr/bin/env python3
"""Instructions per churn get+free pair for every implementation, counted with callgrind.

For each implementation, runs objpool_bench_instructions under
`valgrind --tool=callgrind` with N pairs and with 0 pairs; the set-up is the same in both runs,
so (total(N) - total(0)) / N is the cost of one pair, loop and DoNotOptimize included.

usage: instructions.py <objpool_bench_instructions> <out.json> [pairs]
"""
import json
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor


def collected(binary, name, pairs):
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}", binary, name,
             str(pairs)],
            capture_output=True, text=True, check=True)
    match = re.search(r"Collected\s*:\s*(\d+)", run.stderr)
    if not match:
        raise RuntimeError(f"no callgrind total for {name}:\n{run.stderr}")
    return int(match.group(1))


def per_pair(binary, name, pairs):
    return (collected(binary, name, pairs) - collected(binary, name, 0)) / pairs


def main():
    binary, output = sys.argv[1], sys.argv[2]
    pairs = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    names = subprocess.run([binary, "--list"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda name: per_pair(binary, name, pairs), names))
    result = {"pairs": pairs, "pool_size": 1000, "workload": "churn",
              "instructions_per_pair": dict(zip(names, counts))}
    with open(output, "w") as file:
        json.dump(result, file, indent=2)
    for name, count in zip(names, counts):
        print(f"{count:8.1f}  {name}")


if __name__ == "__main__":
    main()
