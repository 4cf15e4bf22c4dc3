"""A long-lived CPython worker answering JSON lines: the usual way to host Python tools out of process.

Reads one JSON input per line on stdin, writes one JSON line on stdout: {"output": ...} or {"error": "..."}.
"""

import importlib
import json
import sys


def main():
    skill_dir, entry = sys.argv[1:3]
    sys.path.insert(0, skill_dir)
    module, function = entry.split(":")
    fn = getattr(importlib.import_module(module.removesuffix(".py")), function)
    out = sys.stdout
    for line in sys.stdin:
        try:
            answer = {"output": fn(json.loads(line))}
        except Exception as problem:  # the worker must survive a failing call
            answer = {"error": "%s: %s" % (type(problem).__name__, problem)}
        out.write(json.dumps(answer, ensure_ascii=False, allow_nan=False))
        out.write("\n")
        out.flush()


if __name__ == "__main__":
    main()
