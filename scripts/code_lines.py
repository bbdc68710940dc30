#!/usr/bin/env python3
"""Code lines of the core and of each binding, and each binding's share of the core.

Issue 10's bound: each binding holds at most 0.75 of the core's code lines. A code line is a
non-blank line that is not only a comment (`//`, `#`, `/* … */` block lines); docstrings count.
Type declarations (`.d.ts`, `.d.mts`, `.pyi`), tests and generated packages do not count.
Usage: scripts/code_lines.py [--check] (exit 1 when a binding is over the bound).
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOUND = 0.75
PARTS = {
    "core": ["core/src"],
    "js": ["bindings-js/src", "bindings-js/js"],
    "python": ["bindings-py/src", "bindings-py/python"],
}
CODE = (".rs", ".mjs", ".cjs", ".js", ".py")
DECLARATIONS = (".d.ts", ".d.mts", ".pyi")


def is_code(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if s.startswith("#") and not s.startswith(("#[", "#![")):
        return False
    return not s.startswith(("//", "/*", "*"))


def count(dirs: list[str]) -> int:
    total = 0
    for top in dirs:
        for here, subdirs, files in os.walk(os.path.join(ROOT, top)):
            subdirs[:] = [d for d in subdirs if d not in ("node_modules", "pkg", "__pycache__")]
            for name in files:
                if name.endswith(CODE) and not name.endswith(DECLARATIONS):
                    with open(os.path.join(here, name), encoding="utf-8") as f:
                        total += sum(1 for line in f if is_code(line))
    return total


def main() -> int:
    counts = {part: count(dirs) for part, dirs in PARTS.items()}
    core = counts["core"]
    over = False
    print(f"core     {core:6d}")
    for part in ("js", "python"):
        share = counts[part] / core
        over |= share > BOUND
        print(f"{part:8s} {counts[part]:6d}  {share:.2f} of the core (bound {BOUND})")
    return 1 if over and "--check" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
