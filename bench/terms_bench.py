"""Recognition speed: Glossary.find over the corpora, beside a naive per-term regex scan.

Run: ``.venv/bin/python bench/terms_bench.py [--quick]``. For each corpus file (one segment a
line) it times, in the same run:

- ``find/segment``: ``Glossary.find`` on every line (how ``check`` and ``match`` use it);
- ``find/document``: ``Glossary.find`` on the whole file as one text (a long document);
- ``regex``: the naive baseline -- one case-insensitive regex per listed term of that language
  (whitespace-tolerant, word-bounded), each scanned over the whole text.

and prints characters per second and the speed-up over the baseline. Hit counts are printed too:
the regex finds only listed forms, but also lower-case abbreviations ("cat" for CAT) and each
nested name again inside a longer one; ``find`` also finds inflected forms and variants.

The shipped glossary has only ~50 terms a language, so the naive scan is cheap; a translator's
own termbase has thousands. The last table repeats the corpus runs with the glossary enlarged
by ``--extra`` synthetic concepts (word trigrams of the corpus itself, so they occur): the
automaton's cost stays flat while the naive scan grows with the number of terms.

``--user-terms N`` (default 100,000; 20,000 with ``--quick``): a translator's own glossary of N
terms (one to five words of the corpus vocabulary), imported with ``untm glossary import`` into
a scratch ``UNTM_HOME``, then ``untm terms`` on a one-page English draft: the first run after
the import and the best of three later runs (the index loaded from the cache), against the
naive per-term regex scan of the same page, compiled and run in this process. Wall-clock and
CPU seconds are printed, since a loaded machine inflates the first.

The same user terms then serve ``untm query``'s look-up (``--only-lookup`` runs only this):
``Glossary.lookup`` beside the scan it replaced, every term stemmed and scored in Python
(``tests/test_lookup.py``), on the same queries in the same run; the results must be equal.
"""

from __future__ import annotations

import argparse
import marshal
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossaries import load_shipped  # noqa: E402
from tm.models import Concept, Term  # noqa: E402
from tm.terms import Glossary  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "corpus"
FILES = (
    [("flores200-devtest-un6", lang) for lang in ("en", "fr", "es", "ru", "zh", "ar")]
    + [("ntrex128-un6", lang) for lang in ("en", "fr", "es", "ru", "zh", "ar")]
    + [
        ("enfr-wmtnews-tico19-tatoeba", "en"),
        ("enfr-wmtnews-tico19-tatoeba", "fr"),
    ]
)
LETTER = ROOT.parent / "shared" / "data" / "letter"


def naive_patterns(glossary: Glossary, lang: str) -> list[re.Pattern[str]]:
    """One regex per listed term of ``lang``: the baseline a first attempt would write."""
    patterns = []
    for concept in glossary.concepts:
        for term in concept.terms:
            if term.lang == lang:
                body = r"\s+".join(re.escape(word) for word in term.text.split())
                edge = "" if lang == "zh" else r"\b"
                patterns.append(re.compile(edge + body + edge, re.IGNORECASE))
    return patterns


def timed(function: Callable[[], int]) -> tuple[int, float]:
    """``function()`` and the seconds it took."""
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def bench(glossary: Glossary, name: str, lang: str, lines: list[str]) -> tuple[int, float, float]:
    text = "\n".join(lines)
    glossary.find("warm up the automaton", lang)
    per_segment, t_segment = timed(lambda: sum(len(glossary.find(line, lang)) for line in lines))
    per_document, t_document = timed(lambda: len(glossary.find(text, lang)))
    patterns = naive_patterns(glossary, lang)
    naive, t_naive = timed(lambda: sum(len(p.findall(text)) for p in patterns))
    chars = len(text)
    print(
        f"{name:<30} {lang}  {chars:>9,} chars  "
        f"find/segment {chars / t_segment:>12,.0f} c/s ({per_segment:>4} hits)  "
        f"find/document {chars / t_document:>12,.0f} c/s ({per_document:>4} hits)  "
        f"regex {chars / t_naive:>11,.0f} c/s ({naive:>4} hits)  "
        f"x{t_naive / t_segment:5.2f} / x{t_naive / t_document:5.2f}"
    )
    return chars, t_segment, t_naive


def enlarged(glossary: Glossary, texts: dict[str, list[str]], extra: int) -> Glossary:
    """``glossary`` plus ``extra`` concepts per language made of word trigrams of ``texts``."""
    concepts = []
    for lang, lines in texts.items():
        seen: set[str] = set()
        step = max(1, len(lines) // extra)
        for number, line in enumerate(lines[::step]):
            words = line.split() if lang != "zh" else list(line.replace(" ", ""))
            gram = (" " if lang != "zh" else "").join(words[2:5] if lang != "zh" else words[2:9])
            if len(gram) > 6 and gram not in seen and len(seen) < extra:
                seen.add(gram)
                concepts.append(Concept(f"X-{lang}-{number}", "synthetic", (Term(lang, gram),)))
    return glossary.merged(Glossary(concepts))


def user_glossary(path: Path, count: int, words: list[str]) -> None:
    """Write a one-term-a-row glossary of ``count`` English terms of 1-5 of ``words``."""
    pick = random.Random(15)
    lines = ["id\tlang\tterm"]
    lines.extend(
        f"U-{n}\ten\t{' '.join(pick.choices(words, k=pick.randint(1, 5)))}" for n in range(count)
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_untm(*args: str | Path, home: Path) -> tuple[float, float]:
    """Run ``untm ARGS`` with ``UNTM_HOME=home``: (wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cli.main", *map(str, args)],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "UNTM_HOME": str(home)},
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def user_terms_case(count: int, words: list[str]) -> None:
    """``untm terms`` on one page with ``count`` user terms, beside the naive regex scan."""
    page = (LETTER / "letter.en.md").read_text(encoding="utf-8")[:3000]
    with tempfile.TemporaryDirectory() as scratch:
        home, folder = Path(scratch) / "home", Path(scratch)
        draft = folder / "page.en.md"
        draft.write_text(page, encoding="utf-8")
        source = folder / "mine.tsv"
        user_glossary(source, count, words)
        imported = run_untm("glossary", "import", source, home=home)
        first = run_untm("terms", draft, home=home)
        later = min((run_untm("terms", draft, home=home) for _ in range(3)), key=lambda t: t[0])
        terms = [line.split("\t")[2] for line in source.read_text().splitlines()[1:]]
    start = time.perf_counter()
    patterns = [
        re.compile(r"\b" + r"\s+".join(map(re.escape, t.split())) + r"\b", re.I) for t in terms
    ]
    hits = sum(len(p.findall(page)) for p in patterns)
    naive = time.perf_counter() - start
    print(f"\n{count:,} user terms, a one-page draft ({len(page):,} chars):")
    for name, (wall, cpu) in (
        ("glossary import (index built, cached)", imported),
        ("untm terms, first run", first),
        ("untm terms, cached index (best of 3)", later),
    ):
        print(f"  {name:<40} {wall:6.2f} s wall {cpu:6.2f} s CPU")
    print(f"  {'naive regex scan, compile + run':<40} {naive:6.2f} s ({hits} hits)")
    print(f"  untm terms is x{naive / later[0]:.2f} the naive scan (wall clock)")


def lookup_case(count: int, words: list[str]) -> None:
    """``untm query``'s look-up in the shipped glossary plus ``count`` user terms, loaded as
    untm loads a large glossary (from its cache data), against the scan it replaced
    (``tests/test_lookup.py``), on the same queries: same results, and the time of each."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_lookup import naive_lookup, naive_table

    pick = random.Random(15)
    names = (" ".join(pick.choices(words, k=pick.randint(1, 5))) for _ in range(count))
    mine = Glossary(Concept(f"U-{n}", "term", (Term("en", name),)) for n, name in enumerate(names))
    data = marshal.dumps(load_shipped().merged(mine).to_data())
    glossary = Glossary.from_data(marshal.loads(data))
    queries = ["Covenant on Civil and Political Rights", "PIDCP", "security council", "Ocvenant"]
    queries += ["Human Rights Committee", "UNESCO"]
    queries += [" ".join(pick.choices(words, k=pick.randint(1, 3))) for _ in range(6)]
    start = time.perf_counter()
    table = naive_table(glossary)
    scan_first = time.perf_counter() - start
    start = time.perf_counter()
    glossary.lookup(queries[0], limit=3)
    index_first = time.perf_counter() - start
    start = time.perf_counter()
    expected = [naive_lookup(glossary, table, query, limit=3) for query in queries]
    scan = (time.perf_counter() - start) / len(queries)
    start = time.perf_counter()
    found = [glossary.lookup(query, limit=3) for query in queries]
    index = (time.perf_counter() - start) / len(queries)
    same = [[(c.id, score) for c, score in result] for result in found] == expected
    print(f"\nuntm query's look-up, {count:,} user terms ({len(queries)} queries):")
    print(f"  {'scan: its table (every term stemmed)':<40} {scan_first:6.2f} s")
    print(f"  {'index: first look-up (its tables made)':<40} {index_first:6.2f} s")
    print(f"  {'scan: a look-up (mean)':<40} {scan * 1000:6.0f} ms")
    print(f"  {'index: a look-up (mean)':<40} {index * 1000:6.0f} ms")
    print(f"  the index is x{scan / index:.1f} the scan a look-up; same results: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="first 300 lines of each file")
    parser.add_argument("--extra", type=int, default=2000, help="synthetic terms per language")
    parser.add_argument("--user-terms", type=int, help="terms of the user glossary case")
    parser.add_argument(
        "--only-user-terms", action="store_true", help="run only the user glossary case"
    )
    parser.add_argument(
        "--only-lookup", action="store_true", help="run only the query look-up case"
    )
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"{CORPUS} is missing: the corpora live in ../shared/data/corpus")
        return
    count = args.user_terms or (20_000 if args.quick else 100_000)
    vocabulary = (CORPUS / "ntrex128-un6" / "en.txt").read_text(encoding="utf-8").split()
    words = sorted({w.strip(".,;:()\"'") for w in vocabulary} - {""})
    if args.only_user_terms:
        user_terms_case(count, words)
        return
    if args.only_lookup:
        lookup_case(count, words)
        return
    glossary = load_shipped()
    limit = 300 if args.quick else None
    total_chars = total_find = total_naive = 0.0
    texts: dict[str, list[str]] = {}  # flores and ntrex per language, for the enlarged run
    for number, (directory, lang) in enumerate(FILES):
        path = CORPUS / directory / f"{lang}.txt"
        lines = path.read_text(encoding="utf-8").splitlines()[:limit]
        if number < 12:
            texts.setdefault(lang, []).extend(lines)
        chars, t_find, t_naive = bench(glossary, directory, lang, lines)
        total_chars += chars
        total_find += t_find
        total_naive += t_naive
    letter = [(LETTER / "letter.en.md", "en")] + [
        (LETTER / lang / f"letter.{lang}.md", lang) for lang in ("fr", "es", "ru", "zh", "ar")
    ]
    for path, lang in letter:
        if path.is_file():
            paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
            bench(glossary, "letter (x20)", lang, paragraphs * 20)
    print(
        f"\ncorpora: {total_chars:,.0f} chars; find/segment {total_chars / total_find:,.0f} c/s, "
        f"naive regex {total_chars / total_naive:,.0f} c/s: "
        f"find is x{total_naive / total_find:.2f} the naive scan"
    )
    big = enlarged(glossary, texts, args.extra)
    print(f"\nwith {args.extra:,} more terms per language ({len(big):,} concepts):")
    total_chars = total_find = total_naive = 0.0
    for lang, lines in texts.items():
        chars, t_find, t_naive = bench(big, "flores+ntrex", lang, lines)
        total_chars += chars
        total_find += t_find
        total_naive += t_naive
    print(
        f"\nenlarged glossary: find/segment {total_chars / total_find:,.0f} c/s, "
        f"naive regex {total_chars / total_naive:,.0f} c/s: "
        f"find is x{total_naive / total_find:.2f} the naive scan"
    )
    user_terms_case(count, words)
    lookup_case(count, words)


if __name__ == "__main__":
    main()
