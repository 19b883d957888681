"""One measurement in a fresh process (so caches from another measurement do not help it).

    python -m bench.measure extract N   # `clusterharvest extract` of a generated page of N entries, JSON written
    python -m bench.measure floor N     # bare lxml parse + text extraction of the same page

Prints JSON: seconds, entries, peak_rss_mb (the process's peak resident memory, interpreter included).
"""

from __future__ import annotations

import json
import resource
import sys
import time


def main(kind: str, n: int) -> dict[str, float]:
    from .generate import directory

    page = directory(n)
    if kind == "extract":
        import contextlib
        import os
        import tempfile
        from pathlib import Path

        from clusterharvest.cli import main as cli

        with tempfile.TemporaryDirectory() as tmp:
            small, large = Path(tmp) / "warm-up.html", Path(tmp) / "page.html"
            small.write_bytes(directory(32))
            large.write_bytes(page)
            with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
                cli(["extract", str(small), "--kind", "cluster-directory"])  # imports, lookups, langdetect
                started = time.perf_counter()
                assert cli(["extract", str(large), "--kind", "cluster-directory"]) == 0
        entries = 32 * -(-n // 32)  # whole copies of the 32 entries
    else:
        import lxml.html

        started = time.perf_counter()
        root = lxml.html.document_fromstring(page)
        text = "\n".join(root.itertext())
        entries = text.count("Target countries concept phase")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "entries": entries, "peak_rss_mb": round(peak, 1)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
