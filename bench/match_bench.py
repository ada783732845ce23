"""Benchmark tm/match.py: latency, recall and build cost at 10k, 100k and 1M segments.

Memories are built from the English side of ``../shared/data/corpus/opus-testsets-en-pool``
(456,576 real sentences). Where the real corpus runs out (the 1M memory), it is padded with
deterministic synthetic sentences, each the first half of one real sentence joined to the
second half of another (seeded), and the output says how many. Queries: 200 real sentences
of the memory with 1-3 deterministic word edits (substitute, delete, insert a word taken from
another sentence).

Reported per size, in the same run:
- index build time, index size (the arrays of an index file) and the child's peak RSS;
- p50/p95 latency of ``MatchIndex.search`` (top 3, min score 50), tokenising included;
- recall: share of queries whose best score equals the exhaustive best (every row scored with
  the same tokens and the same formula, rapidfuzz ``process.extractOne``);
- the ratio against a naive rapidfuzz scan (``process.extractOne`` over all raw sources with
  ``fuzz.ratio``) and against translate-toolkit's ``translate.search.match.matcher``, both on a
  sample of the queries (they take up to seconds per query).

Each size runs in a child process so peak memory is per size.
Run: ``.venv/bin/python bench/match_bench.py`` (all sizes) or ``--quick`` (10k only).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POOL = ROOT.parent / "shared" / "data" / "corpus" / "opus-testsets-en-pool" / "pool.tsv.gz"
SEED = 20260101
N_QUERIES = 200
LOOKUP_MAX = 100_000  # sizes up to this also time Matcher.lookup over a SQLite memory


def load_pool() -> list[tuple[str, str]]:
    """(English, translation) pairs of the real pool, in file order."""
    with gzip.open(POOL, "rt", encoding="utf-8") as handle:
        return [tuple(line.rstrip("\n").split("\t")[:2]) for line in handle]  # type: ignore[misc]


def memory_of(size: int) -> tuple[list[tuple[str, str]], int]:
    """``size`` segments: real ones first (seeded sample), then synthetic padding."""
    pool = load_pool()
    rng = random.Random(SEED)
    if size <= len(pool):
        return rng.sample(pool, size), 0
    extra = size - len(pool)
    real = list(pool)
    rng.shuffle(real)
    synthetic = []
    seen = {en for en, _ in pool}
    while len(synthetic) < extra:
        (a, ta), (b, tb) = rng.choice(pool), rng.choice(pool)
        wa, wb = a.split(), b.split()
        text = " ".join(wa[: max(1, len(wa) // 2)] + wb[len(wb) // 2 :])
        if text not in seen:
            seen.add(text)
            synthetic.append((text, f"{ta} / {tb}"))
    return real + synthetic, extra


def edit(text: str, rng: random.Random, donors: list[str]) -> str:
    """1-3 word edits of ``text`` (substitute, delete or insert a donor word)."""
    words = text.split()
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        donor = rng.choice(rng.choice(donors).split() or ["word"])
        i = rng.randrange(len(words)) if words else 0
        if op < 0.4 and words:
            words[i] = donor
        elif op < 0.7 and len(words) > 2:
            del words[i]
        else:
            words.insert(i, donor)
    return " ".join(words)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_size(size: int, sample: int) -> dict[str, object]:
    """Measure one memory size (called in a child process)."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    from tm.index import MatchIndex

    memory, synthetic = memory_of(size)
    sources = [en for en, _ in memory]
    rng = random.Random(SEED + size)
    real_rows = [i for i in range(len(memory) - synthetic)]
    picks = rng.sample(real_rows, N_QUERIES)
    queries = [edit(sources[i], rng, sources[:1000]) for i in picks]

    start = time.perf_counter()
    index = MatchIndex.build(enumerate(sources))
    build_s = time.perf_counter() - start
    index_bytes = index.memory_bytes()  # the arrays an index file holds

    for q in queries[:5]:  # warm caches (regex, numpy)
        index.search(q)
    times, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        hits = index.search(q, top=3, min_score=50)
        times.append(time.perf_counter() - t0)
        found.append(hits[0][1] if hits else 0.0)

    rss_index_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # exhaustive best: every row scored with the same tokens and formula
    codes = [index.row_codes(r) for r in range(len(index))]
    recall_hits, exhaustive_times = 0, []
    for q, got in zip(queries, found, strict=True):
        qc = index.encode(q)
        t0 = time.perf_counter()
        best = process.extractOne(qc, codes, scorer=Levenshtein.normalized_similarity)
        exhaustive_times.append(time.perf_counter() - t0)
        best_score = 100.0 * best[1] if best and best[1] * 100 >= 50 else 0.0
        recall_hits += abs(best_score - got) < 1e-6 or got > best_score
    del codes

    sample_queries = queries[:sample]
    naive_times = []
    for q in sample_queries:
        t0 = time.perf_counter()
        process.extractOne(q, sources, scorer=fuzz.ratio, score_cutoff=50)
        naive_times.append(time.perf_counter() - t0)

    tt = ttk_times(memory, sample_queries if size <= 100_000 else sample_queries[:3])

    p50 = statistics.median(times)
    lookup = end_to_end(memory, queries) if size <= LOOKUP_MAX else None
    result: dict[str, object] = {
        "size": size,
        "synthetic": synthetic,
        "vocab": index.vocab_size,
        "build_s": build_s,
        "index_mb": index_bytes / 1e6,
        "rss_index_mb": rss_index_mb,
        "p50_ms": 1000 * p50,
        "p95_ms": 1000 * percentile(times, 0.95),
        "max_ms": 1000 * max(times),
        "recall": recall_hits / len(queries),
        "exhaustive_p50_ms": 1000 * statistics.median(exhaustive_times),
        "naive_p50_ms": 1000 * statistics.median(naive_times),
        "naive_n": len(naive_times),
        "speedup_naive": statistics.median(naive_times) / p50,
        "speedup_exhaustive": statistics.median(exhaustive_times) / p50,
    }
    if tt is not None:
        result |= {
            "ttk_init_s": tt[0],
            "ttk_p50_ms": 1000 * statistics.median(tt[1]),
            "ttk_n": len(tt[1]),
            "speedup_ttk": statistics.median(tt[1]) / p50,
        }
    if lookup is not None:
        result |= lookup
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def end_to_end(memory: list[tuple[str, str]], queries: list[str]) -> dict[str, float]:
    """``Matcher.lookup`` over a real SQLite memory: import (which builds the index), index
    opened twice, and per-query latency with units fetched, diffs and placeables done."""
    import tempfile

    from tm.match import Matcher
    from tm.memory import Memory
    from tm.models import Unit, Variant

    # the pool's translations are in many languages; they are tagged fr here, which does not
    # change matching (only the English side is searched)
    units = [Unit((Variant("en", en), Variant("fr", tgt))) for en, tgt in memory]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        t0 = time.perf_counter()
        with Memory.open(path) as store:
            store.add(units, origin="pool")
        import_s = time.perf_counter() - t0
        with Memory.open(path, create=False) as store:
            t0 = time.perf_counter()
            Matcher(store).index("en")
            index_s = time.perf_counter() - t0
        with Memory.open(path, create=False) as store:
            matcher = Matcher(store)
            t0 = time.perf_counter()
            matcher.index("en")
            load_s = time.perf_counter() - t0
            times = []
            for q in queries:
                t0 = time.perf_counter()
                matcher.lookup(q, target_langs=["fr"])
                times.append(time.perf_counter() - t0)
    return {
        "e2e_import_s": import_s,
        "e2e_index_s": index_s,
        "e2e_load_s": load_s,
        "e2e_p50_ms": 1000 * statistics.median(times),
        "e2e_p95_ms": 1000 * percentile(times, 0.95),
    }


def ttk_times(
    memory: list[tuple[str, str]], queries: list[str]
) -> tuple[float, list[float]] | None:
    """translate-toolkit's matcher over the same memory (min similarity 50, long segments)."""
    try:
        from translate.search.match import matcher
        from translate.storage import base
    except ImportError:
        return None
    # the matcher's heap compares its (copied) units when two scores tie: give them an order
    base.TranslationUnit.__lt__ = lambda a, b: id(a) < id(b)
    store = base.TranslationStore()
    for en, tgt in memory:
        unit = base.TranslationUnit(en)
        unit.target = tgt
        store.addunit(unit)
    t0 = time.perf_counter()
    tm = matcher(store, max_candidates=3, min_similarity=50, max_length=1000)
    init_s = time.perf_counter() - t0
    times = []
    for q in queries:
        t0 = time.perf_counter()
        tm.matches(q)
        times.append(time.perf_counter() - t0)
    return init_s, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k segments only")
    parser.add_argument("--sizes", type=int, nargs="*", help="memory sizes to run")
    parser.add_argument("--sample", type=int, default=20, help="queries for the slow baselines")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_size(args.child, args.sample)))
        return
    if not POOL.is_file():
        raise SystemExit(f"{POOL} not found: the bench needs ../shared/data beside the checkout")
    sizes = args.sizes or ([10_000] if args.quick else [10_000, 100_000, 1_000_000])
    print(f"match bench: {N_QUERIES} edited real queries, top 3, min score 50, seed {SEED}")
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--sample", str(args.sample)],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if out.returncode != 0:
            raise SystemExit(f"size {size} failed:\n{out.stderr}")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        report(r)


def report(r: dict[str, Any]) -> None:
    """Print one size's figures."""
    print(f"\n== {r['size']:,} segments ({r['synthetic']:,} synthetic padding)")
    print(f"  vocabulary {r['vocab']:,} tokens; index build {r['build_s']:.1f} s")
    print(
        f"  index size {r['index_mb']:.1f} MB (the arrays of an index file); peak RSS"
        f" {r['rss_index_mb']:.0f} MB with the corpus and the build,"
        f" {r['peak_rss_mb']:.0f} MB after the baselines"
    )
    print(f"  latency p50 {r['p50_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms, max {r['max_ms']:.1f} ms")
    print(f"  recall of the exhaustive best match: {100 * r['recall']:.1f}%")
    print(
        f"  naive rapidfuzz scan (fuzz.ratio, {r['naive_n']} queries):"
        f" p50 {r['naive_p50_ms']:.1f} ms -> index {r['speedup_naive']:.0f}x faster"
    )
    print(
        f"  exhaustive token scan (extractOne, {N_QUERIES} queries):"
        f" p50 {r['exhaustive_p50_ms']:.1f} ms -> index {r['speedup_exhaustive']:.0f}x faster"
    )
    if "e2e_p50_ms" in r:
        print(
            f"  Matcher.lookup over SQLite: import (index included) {r['e2e_import_s']:.1f} s,"
            f" first index open {r['e2e_index_s']:.2f} s, open {r['e2e_load_s']:.2f} s;"
            f" p50 {r['e2e_p50_ms']:.2f} ms, p95 {r['e2e_p95_ms']:.2f} ms"
        )
    if "ttk_p50_ms" in r:
        print(
            f"  translate-toolkit matcher ({r['ttk_n']} queries, init {r['ttk_init_s']:.1f} s):"
            f" p50 {r['ttk_p50_ms']:.1f} ms -> index {r['speedup_ttk']:.0f}x faster"
        )


if __name__ == "__main__":
    main()
