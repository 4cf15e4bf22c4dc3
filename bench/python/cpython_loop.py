"""The bare skill function under CPython, in a loop: the floor any host of Python code is measured against.

Runs PROCS processes (CPython threads would share one core through the GIL), each calling
entry(input) for WARM seconds, then MEASURE seconds recording each call; prints one JSON line.
"""

import importlib
import json
import multiprocessing
import sys
import time


def worker(skill_dir, entry, input_text, warm, measure, queue):
    sys.path.insert(0, skill_dir)
    module, function = entry.split(":")
    fn = getattr(importlib.import_module(module.removesuffix(".py")), function)
    value = json.loads(input_text)
    end = time.perf_counter() + warm
    while time.perf_counter() < end:
        fn(json.loads(input_text))
    samples = []
    end = time.perf_counter() + measure
    while True:
        start = time.perf_counter_ns()
        fn(json.loads(input_text))
        stop = time.perf_counter_ns()
        samples.append(stop - start)
        if time.perf_counter() >= end:
            break
    queue.put(samples)


def main():
    skill_dir, entry, input_file, warm, measure, procs = sys.argv[1:7]
    with open(input_file, encoding="utf-8") as f:
        input_text = f.read()
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(skill_dir, entry, input_text, float(warm), float(measure), queue))
               for _ in range(int(procs))]
    for w in workers:
        w.start()
    samples = []
    for _ in workers:
        samples.extend(queue.get())
    for w in workers:
        w.join()
    samples.sort()
    pick = lambda p: samples[min(len(samples) - 1, max(0, int(len(samples) * p / 100.0 + 0.999999) - 1))] / 1000.0
    print(json.dumps({"calls": len(samples), "seconds": float(measure), "callsPerSecond": len(samples) / float(measure),
                      "p50Micros": pick(50), "p99Micros": pick(99), "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
