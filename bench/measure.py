"""One measurement in a fresh process (so caches from another measurement do not help it).

    python -m bench.measure extract N   # parse_directory + build_clusters on a generated page of N entries
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
        from clusterharvest.clusters import build_clusters
        from clusterharvest.parse.cluster_directory import parse_directory

        build_clusters(parse_directory(directory(32)), "warm-up")  # imports, lookups, langdetect profiles
        started = time.perf_counter()
        entries = len(build_clusters(parse_directory(page), "bench"))
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
