"""Benchmark: TMX import into the memory and export from it, against bare lxml in the same run.

    .venv/bin/python bench/tmx_bench.py            # 1,000,000 units
    .venv/bin/python bench/tmx_bench.py --quick    # 50,000 units
    .venv/bin/python bench/tmx_bench.py --quick --cat  # units with dates, ids, props

The TMX is generated deterministically from ``../shared/data/corpus/opus-testsets-en-pool``
(456,576 real English-paired sentences in 134 languages; see its README). Beyond that the
pool is reused with a numbered marker (``(2)``, ``(3)``, ...) on both sides, and the output
says how many units are such synthetic padding.

Each phase runs in its own process so that its peak resident memory (``ru_maxrss``) is its
own. Baselines:
- import: a bare ``lxml.etree.iterparse`` of the same file that reads every ``<seg>`` text
  and clears each ``<tu>`` (the least any streaming reader must do);
- export: a bare ``lxml.etree.xmlfile`` writer fed by one plain SELECT over the same memory
  (``tu``/``tuv``/``seg`` only).
untm runs ``import_files`` and ``export_memory``, what ``untm import`` and ``untm export`` run.
Large files import on several cores (``tmx/bulk.py``): the import's CPU time and peak include
its worker processes (the peak adds the largest worker's once per worker). The same import
on one core (the streaming reader, what a one-core machine runs) is printed for information.
Both ratios are printed: wall time (what a user waits) and CPU time (all cores together).
Each phase runs ``--repeat`` times (default 2), interleaved with its baseline, and the fastest
run of each side counts, so that a slow spell of a shared machine does not decide the ratio.
Targets (issue 4): peak < 300 MB, and untm within 2x of the baseline's wall time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
POOL = ROOT.parent / "shared" / "data" / "corpus" / "opus-testsets-en-pool" / "pool.tsv.gz"
PEAK_LIMIT_MB = 300
RATIO_LIMIT = 2.0
#: the size the targets are set at (issue 4); smaller runs print them for information
TARGET_UNITS = 1_000_000


def _code(three: str, aliases: dict[str, str], known: frozenset[str]) -> str | None:
    """The two-letter (or CLDR) code of a pool language, or None when CLDR does not know it."""
    code = aliases.get(three, three).split("_")[0]
    return code if code in known else None


def generate(path: Path, units: int, *, cat: bool = False) -> int:
    """Write ``units`` TUs from the pool (then numbered reuse); return the synthetic count.

    With ``cat``, every TU carries what CAT tools export: creation and change dates and ids
    and two props (``x-document``, ``x-paragraph``)."""
    from babel import Locale
    from babel.core import get_global

    aliases = {k: v for k, v in get_global("language_aliases").items()}
    known = frozenset(Locale("en").languages)
    header = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
        '<header creationtool="tmx_bench" creationtoolversion="1" segtype="sentence" '
        'o-tmf="pool" adminlang="en" srclang="en" datatype="plaintext"/>\n<body>\n'
    )
    written = rounds = 0
    real: int | None = None
    with open(path, "w", encoding="utf-8") as out:
        out.write(header)
        while written < units:
            rounds += 1
            mark = "" if rounds == 1 else f" ({rounds})"
            with gzip.open(POOL, "rt", encoding="utf-8") as pool:
                for line in pool:
                    english, other, lang = line.rstrip("\n").split("\t")
                    code = _code(lang, aliases, known)
                    if code is None or not english.strip() or not other.strip():
                        continue
                    n = written + 1
                    extra = (
                        f' creationdate="2024{1 + n % 12:02}{1 + n % 28:02}T1{n % 10}0000Z"'
                        f' creationid="U{n % 7}" changedate="20250102T030405Z" changeid="U{n % 5}"'
                        if cat
                        else ""
                    )
                    props = (
                        f'<prop type="x-document">A/79/{n // 500}</prop>'
                        f'<prop type="x-paragraph">{n % 40}</prop>'
                        if cat
                        else ""
                    )
                    out.write(
                        f'<tu tuid="{n}"{extra}>{props}<tuv xml:lang="en"><seg>'
                        f"{escape(english.strip() + mark)}</seg></tuv>"
                        f'<tuv xml:lang="{code}"><seg>{escape(other.strip() + mark)}</seg>'
                        "</tuv></tu>\n"
                    )
                    written += 1
                    if written == units:
                        break
            if real is None:
                real = written
        out.write("</body>\n</tmx>\n")
    return units - (real or 0)


# --- phases (each in its own process) -----------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the import's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def phase_baseline_read(tmx: Path) -> dict[str, float]:
    from lxml import etree

    start = time.perf_counter()
    n = chars = 0
    for _, tu in etree.iterparse(str(tmx), tag="tu", resolve_entities=False, no_network=True):
        for seg in tu.iter("seg"):
            chars += len(seg.text or "")
        n += 1
        tu.clear()
        while tu.getprevious() is not None:
            del tu.getparent()[0]
    return {"seconds": time.perf_counter() - start, "units": n, "peak_mb": _peak_mb()}


def phase_import(tmx: Path, db: Path, streaming: bool = False) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from tm.memory import Memory
    from tmx import bulk
    from tmx.interchange import import_files

    if streaming:
        bulk.MIN_BYTES = sys.maxsize
    workers = 0 if streaming else bulk._cores()
    start = time.perf_counter()
    with Memory.open(db) as memory:
        report = import_files(memory, [tmx])
        count = memory.count()
    seconds = time.perf_counter() - start
    # the workers' peaks are not one process's: add the largest once per worker
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "units": report.added,
        "stored": count,
        "peak_mb": _peak_mb() + workers * children,
        "workers": workers,
    }


def phase_import_streaming(tmx: Path, db: Path) -> dict[str, float]:
    return phase_import(tmx, db, streaming=True)


def phase_baseline_write(db: Path, out: Path) -> dict[str, float]:
    import sqlite3

    from lxml import etree

    start = time.perf_counter()
    conn = sqlite3.connect(db)
    # one row per unit; plain variants are "tag\x1ftext\x1f" joined by "\x1f" (tm/memory.py)
    rows = conn.execute("SELECT variants FROM units ORDER BY id")
    n = 0
    with open(out, "wb") as handle, etree.xmlfile(handle, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("tmx", version="1.4"), xf.element("body"):
            for (variants,) in rows:
                fields = variants.split("\x1f")
                tu = etree.Element("tu")
                for lang, text in zip(fields[0::3], fields[1::3], strict=True):
                    tuv = etree.SubElement(tu, "tuv", {"lang": lang})
                    etree.SubElement(tuv, "seg").text = text
                xf.write(tu)
                n += 1
    conn.close()
    return {"seconds": time.perf_counter() - start, "units": n, "peak_mb": _peak_mb()}


def phase_export(db: Path, out: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from tm.memory import Memory
    from tmx.interchange import export_memory

    start = time.perf_counter()
    with Memory.open(db, create=False) as memory:
        report = export_memory(memory, out, srclang="en")
    return {"seconds": time.perf_counter() - start, "units": report.units, "peak_mb": _peak_mb()}


PHASES = {
    "baseline-read": phase_baseline_read,
    "import": phase_import,
    "import-streaming": phase_import_streaming,
    "baseline-write": phase_baseline_write,
    "export": phase_export,
}


def _fastest(runs: list[dict[str, float]]) -> dict[str, float]:
    """The fastest of ``runs`` (timeit's rule: slower runs measure the machine's other
    work), with the highest peak of them all."""
    best = dict(min(runs, key=lambda run: run["seconds"]))
    best["peak_mb"] = max(run["peak_mb"] for run in runs)
    return best


def _run_phase(name: str, *paths: Path) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--phase", name, *map(str, paths)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return dict(result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 units instead of 1,000,000")
    parser.add_argument("--units", type=int, help="number of units (overrides --quick)")
    parser.add_argument(
        "--cat", action="store_true", help="units with dates, ids and props, as CAT tools export"
    )
    parser.add_argument("--keep", type=Path, help="keep the generated files in this directory")
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each phase; the fastest counts (default 2)"
    )
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        cpu = _cpu()
        result = PHASES[args.phase](*args.paths)
        result["cpu"] = _cpu() - cpu
        print(json.dumps(result))
        return 0
    if not POOL.is_file():
        print(f"skipped: {POOL} is not beside this checkout")
        return 0
    units = args.units or (50_000 if args.quick else 1_000_000)
    with tempfile.TemporaryDirectory(prefix="tmx_bench.") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        tmx, db, out, base_out = (
            work / "bench.tmx",
            work / "bench.sqlite",
            work / "export.tmx",
            work / "baseline.tmx",
        )
        for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            stale.unlink(missing_ok=True)
        start = time.perf_counter()
        synthetic = generate(tmx, units, cat=args.cat)
        size = tmx.stat().st_size / 2**20
        print(
            f"generated {tmx.name}: {units:,} units, {size:,.0f} MB in "
            f"{time.perf_counter() - start:.1f} s ({units - synthetic:,} real pool pairs, "
            f"{synthetic:,} synthetic: pool reused with a numbered marker)"
        )
        reads, imports, writes, exports = [], [], [], []
        for _ in range(args.repeat):
            # interleaved, so that a slow spell of a shared machine hits both sides
            reads.append(_run_phase("baseline-read", tmx))
            for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                stale.unlink(missing_ok=True)
            imports.append(_run_phase("import", tmx, db))
            writes.append(_run_phase("baseline-write", db, base_out))
            exports.append(_run_phase("export", db, out))
        read, imported, write, exported = map(_fastest, (reads, imports, writes, exports))
        for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            stale.unlink(missing_ok=True)
        streaming = _run_phase("import-streaming", tmx, db)
    if args.repeat > 1:
        print(f"each side: the fastest of {args.repeat} interleaved runs (peaks: the highest)")
    ok = True
    for label, base, ours in (("import", read, imported), ("export", write, exported)):
        ratio = ours["seconds"] / base["seconds"]
        cpu_ratio = ours["cpu"] / base["cpu"]
        rate = ours["units"] / ours["seconds"]
        good = ratio <= RATIO_LIMIT and ours["peak_mb"] < PEAK_LIMIT_MB
        verdict = "ok" if good else "OVER"
        if units < TARGET_UNITS:
            # a small file is mostly start-up (imports, language data, workers, the commit)
            verdict = f"{verdict} (the target is set at {TARGET_UNITS:,} units)"
        else:
            ok = ok and good
        print(
            f"{label}: untm {ours['seconds']:.1f} s wall / {ours['cpu']:.1f} s CPU "
            f"({rate:,.0f} units/s, peak {ours['peak_mb']:.0f} MB) vs bare lxml "
            f"{base['seconds']:.1f} s wall / {base['cpu']:.1f} s CPU (peak "
            f"{base['peak_mb']:.0f} MB): ratio {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU "
            f"[{verdict}: <= {RATIO_LIMIT}x, < {PEAK_LIMIT_MB} MB]"
        )
    print(
        f"import on one core (the streaming reader, as on a one-core machine): "
        f"{streaming['seconds']:.1f} s, ratio {streaming['seconds'] / read['seconds']:.2f}x "
        f"wall (for information; the target applies to the import as it runs here, with "
        f"{imported['workers']:.0f} worker processes)"
    )
    print(f"stored units: {imported['stored']:,}; exported: {exported['units']:,}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
