#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target (fuzz/corpus/<target>/), deterministically.

The seeds follow each target's input format (see the comment at the top of its source): a
configuration byte, a capacity byte, then steps. Together they select every policy, id type and
lifecycle, the capacities around the 64-bit word boundaries, and every kind of step, so that the
fuzzer starts from inputs that already reach all of the code. Run it again after changing an
input format; libFuzzer adds nothing to these folders (scripts/fuzz.sh fuzzes a copy).
"""
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"


def write(target, name, data):
    folder = ROOT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(bytes(data))


def steps(rng, count, kinds, argument_bytes):
    data = []
    for _ in range(count):
        data.append(rng.choice(kinds) + 8 * rng.randrange(32))
        data.extend(rng.randrange(256) for _ in range(argument_bytes))
    return data


def id_pool():
    rng = random.Random(8)
    # byte 0: policy = b % 3, id type = (b / 3) % 2; byte 1: index into the capacities
    for policy in range(3):
        for id_type in range(2):
            for capacity_index in (1, 3, 7, 8, 13):
                config = policy + 3 * id_type
                # get-heavy, then free-heavy, then mixed, then with the whole interface
                body = [config, capacity_index, rng.randrange(256)]
                body += [0] * 12
                body += steps(rng, 40, [1, 2, 3], 3)
                body += steps(rng, 40, [0, 0, 1, 2, 3], 3)
                # claims, leases, visits and the odd reset among gets and frees
                body += steps(rng, 60, [0, 0, 1, 2, 3, 3, 4, 4, 5, 6, 7], 3)
                write("id_pool", f"policy{policy}_id{id_type}_capacity{capacity_index}", body)


def object_pool():
    rng = random.Random(8)
    # byte 0: policy = b % 3, lifecycle = (b / 3) % 3 (Reuse, Reuse with hooks, ConstructOnGet)
    for policy in range(3):
        for lifecycle in range(3):
            for capacity_index in (2, 5, 9, 10):
                config = policy + 3 * lifecycle
                body = [config, capacity_index]
                body += steps(rng, 10, [0, 1], 1)
                body += steps(rng, 60, [0, 1, 2, 3, 4, 5, 6, 7], 3)
                write("object_pool", f"policy{policy}_lifecycle{lifecycle}_capacity{capacity_index}",
                      body)


def handle_pool():
    rng = random.Random(8)
    # byte 0: policy = b % 3, generation bits = (1, 2, 8)[(b / 3) % 3]
    for policy in range(3):
        for width in range(3):
            for capacity_index in (1, 3, 5, 6):
                config = policy + 3 * width
                body = [config, capacity_index]
                body += steps(rng, 8, [0], 0)
                body += steps(rng, 80, [0, 1, 2, 3], 3)
                write("handle_pool", f"policy{policy}_width{width}_capacity{capacity_index}", body)


if __name__ == "__main__":
    id_pool()
    object_pool()
    handle_pool()
