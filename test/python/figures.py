"""Writes a test's measured figures to test-output/figures/NAME.md, as the block that
scripts/update-reliability-figures.js puts into docs/reliability.md between
<!-- figures:NAME --> and <!-- /figures:NAME --> markers (`npm run docs:figures`). Tests write
only under test-output/: the tracked doc changes only when someone means it to. Called at the
end of a test, after its assertions passed."""
import datetime
import os
import platform

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.environ.get("LAZYLAB_FIGURES_DIR") or os.path.join(ROOT, "test-output", "figures")


def record(name, lines):
    begin, end = f"<!-- figures:{name} -->", f"<!-- /figures:{name} -->"
    stamp = f"_Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, by `test/python/{caller()}`._"
    os.makedirs(OUT, exist_ok=True)
    tmp = os.path.join(OUT, f".{name}.md.{os.getpid()}")
    with open(tmp, "w") as f:
        f.write("\n".join([begin, stamp, "", *lines, end]) + "\n")
    os.replace(tmp, os.path.join(OUT, f"{name}.md"))


def caller():
    import inspect
    for frame in inspect.stack()[2:]:
        base = os.path.basename(frame.filename)
        if base.startswith("test_"):
            return base
    return "?"
