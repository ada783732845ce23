"""Benchmark Chinese match tokens: characters (tm.tokens today) against sentencepiece pieces.

Memory: the Chinese side of ``../shared/data/corpus/flores200-devtest-un6`` and
``ntrex128-un6`` (3,009 real sentences); 300 of them (seeded) are held out as unrelated
queries, the rest form the memory. Each tokenisation keeps numbers, dates, symbols and
punctuation as :func:`tm.tokens.masked` makes them and differs only in how runs of unspaced
characters are cut: one token per character, or the pieces of a sentencepiece model (unigram
or BPE) trained in-process on the memory's own unspaced runs (``sentence_iterator`` and a
``BytesIO`` ``model_writer``: nothing is read or written but the memory; one thread, fixed
seed).

Queries are deterministic edits of memory sentences: 1 or 3 characters replaced; 1-3 *words*
replaced, one word deleted or inserted; one number changed. Chinese has no spaces, so a
"word" is a proxy independent of both tokenisations: a Han bigram found in at least 12
memory sentences that neither starts nor ends with a function character (的, 了, 是, ...),
e.g. 表示, 政府, 比赛.

Reported side by side, per tokenisation:
- top-1: the edited sentence's source is the best match (ties counted), mean and lowest score
  of that source, and the share of one-character edits scoring below 85 (a translator expects
  one changed character in a ~40-character sentence to stay in the 85-94 band or above);
- ordering a translator expects: 1 character > 3 characters, 1 word > 2 words > 3 words,
  1 character >= 1 word, over the same source sentences;
- closeness to a word-level score: when jieba is installed (this benchmark only; it runs
  without it), each query's score on dictionary words (jieba, HMM off) is the reference, and
  the mean |score - reference| and the share of query pairs on one source ordered as the
  reference orders them are shown. Note that Trados Studio counts each Chinese character as
  a word, so a CAT tool's "word" level for Chinese is the character;
- unrelated sentences (held out): how many best matches reach 75 and 50, p50/p95/max;
- model training, index build and query latency (tokenising and ``MatchIndex.search``, top 3,
  min score 50). Both tokenisations go through the same product index: each token becomes an
  opaque word (``k123``), so only the tokens differ.

Run: ``.venv/bin/python bench/zh_tokens_bench.py`` (characters and four models, 400 queries
per edit) or ``--quick`` (characters and one unigram model, 100 queries per edit).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import regex
import sentencepiece as spm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.match import MatchIndex  # noqa: E402
from tm.score import similarity  # noqa: E402
from tm.tokens import masked  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "corpus"
FILES = [CORPUS / "flores200-devtest-un6" / "zh.txt", CORPUS / "ntrex128-un6" / "zh.txt"]
SEED = 20260101
HELD_OUT = 300
RUN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]+")
FUNCTION_START = set("的了是在和也就都一")
FUNCTION_END = set("的了是在和一")
EDITS = [
    ("char", 1),
    ("char", 3),
    ("word", 1),
    ("word", 2),
    ("word", 3),
    ("delete", 1),
    ("insert", 1),
    ("number", 1),
]
# (name, model type, vocab size, character coverage); None: characters
MODELS: list[tuple[str, str | None, int, float]] = [
    ("chars", None, 0, 1.0),
    ("uni-3k", "unigram", 3000, 0.9995),
    ("uni-4k", "unigram", 4000, 1.0),
    ("bpe-4k", "bpe", 4000, 1.0),
    ("uni-8k", "unigram", 8000, 1.0),
]

Tokenizer = Callable[[str], list[str]]


def load() -> tuple[list[str], list[str]]:
    """(memory, held-out) sentences."""
    sentences = [
        line.strip() for f in FILES for line in f.read_text("utf-8").splitlines() if line.strip()
    ]
    order = list(range(len(sentences)))
    random.Random(SEED).shuffle(order)
    held = set(order[:HELD_OUT])
    memory = [s for i, s in enumerate(sentences) if i not in held]
    return memory, [sentences[i] for i in sorted(held)]


def char_tokens(text: str) -> list[str]:
    return masked(text, "zh")


def train(memory: list[str], kind: str, vocab: int, coverage: float) -> tuple[Tokenizer, float]:
    """A tokeniser whose unspaced runs are cut by a model trained on the memory's runs."""
    runs = [run for text in memory for run in RUN.findall(text)]
    spm.set_random_generator_seed(SEED)
    buffer = io.BytesIO()
    t0 = time.perf_counter()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(runs),
        model_writer=buffer,
        model_type=kind,
        vocab_size=vocab,
        character_coverage=coverage,
        hard_vocab_limit=False,
        add_dummy_prefix=False,
        split_by_whitespace=False,
        bos_id=-1,
        eos_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    seconds = time.perf_counter() - t0
    model = spm.SentencePieceProcessor(model_proto=buffer.getvalue())

    return _cut_runs(lambda run: model.encode(run, out_type=str)), seconds


def _cut_runs(cut: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """Tokens of a text: untm's masked keys, with each run of Han/kana/Thai characters cut by
    ``cut`` instead of one token per character."""

    def tokens(text: str) -> list[str]:
        out: list[str] = []
        run: list[str] = []
        for key in [*masked(text, "zh"), ""]:
            if len(key) == 1 and RUN.fullmatch(key):
                run.append(key)
                continue
            if run:
                out.extend(cut("".join(run)))
                run = []
            if key:
                out.append(key)
        return out

    return tokens


def proxy_words(memory: list[str]) -> list[str]:
    """Frequent Han bigrams that are likely words (see the module docstring)."""
    counts: Counter[str] = Counter()
    for text in memory:
        counts.update({run[i : i + 2] for run in RUN.findall(text) for i in range(len(run) - 1)})
    ranked = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))  # no set order
    return [
        w for w, c in ranked if c >= 12 and w[0] not in FUNCTION_START and w[1] not in FUNCTION_END
    ]


def edit(text: str, kind: str, n: int, rng: random.Random, words: list[str]) -> str | None:
    """``text`` with ``n`` edits of ``kind``, or None when it has no room for them."""
    if kind == "char":
        chars = list(text)
        spots = [i for i, c in enumerate(chars) if RUN.fullmatch(c)]
        if len(spots) < 2 * n:
            return None
        for i in rng.sample(spots, n):
            donor = rng.choice(rng.choice(words))
            chars[i] = donor if donor != chars[i] else "国"
        return "".join(chars)
    if kind == "number":
        found = list(regex.finditer(r"\d+", text))
        if not found:
            return None
        m = rng.choice(found)
        return text[: m.start()] + str(int(m.group()) + rng.randint(1, 9)) + text[m.end() :]
    if kind == "insert":
        for _ in range(n):
            spots = [m.start() for m in RUN.finditer(text)] or [0]
            i = rng.choice(spots) + rng.randrange(3)
            text = text[:i] + rng.choice(words) + text[i:]
        return text
    known = set(words)
    spots = [i for i in range(len(text) - 1) if text[i : i + 2] in known]
    chosen: list[int] = []
    for i in rng.sample(spots, len(spots)):
        if all(abs(i - j) >= 2 for j in chosen):
            chosen.append(i)
        if len(chosen) == n:
            break
    if len(chosen) < n:
        return None
    for i in sorted(chosen, reverse=True):
        new = rng.choice(words) if kind == "word" else ""
        text = text[:i] + new + text[i + 2 :]
    return text


@dataclass
class Result:
    name: str
    train_s: float = 0.0
    build_s: float = 0.0
    vocab: int = 0
    tokens_per_sentence: float = 0.0
    latency: list[float] = field(default_factory=list)
    top1: dict[str, float] = field(default_factory=dict)
    mean: dict[str, float] = field(default_factory=dict)
    low: dict[str, float] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)
    scores: dict[tuple[int, str], float] = field(default_factory=dict)
    unrelated: list[float] = field(default_factory=list)


def measure(
    name: str,
    tokens: Tokenizer,
    train_s: float,
    memory: list[str],
    held: list[str],
    queries: dict[str, list[tuple[int, str]]],
) -> Result:
    """Build the index with ``tokens`` and run every query through it."""
    r = Result(name, train_s=train_s)
    words: dict[str, str] = {}

    def opaque(text: str, *, grow: bool) -> str:
        out = []
        for key in tokens(text):
            code = words.get(key)
            if code is None:
                code = f"k{len(words)}"
                if grow:
                    words[key] = code
            out.append(code)
        return " ".join(out)

    t0 = time.perf_counter()
    rows = [opaque(text, grow=True) for text in memory]
    index = MatchIndex.build(enumerate(rows), lang="en")
    r.build_s = time.perf_counter() - t0
    r.vocab = len(words)
    r.tokens_per_sentence = statistics.mean(len(row.split()) for row in rows)

    def best(text: str) -> tuple[list[tuple[int, float]], float]:
        t0 = time.perf_counter()
        hits = index.search(opaque(text, grow=False), top=3, min_score=50)
        return hits, time.perf_counter() - t0

    for label, items in queries.items():
        found, scores = 0, []
        for source, query in items:
            hits, seconds = best(query)
            r.latency.append(seconds)
            own = next((s for row, s in hits if row == source), None)
            if own is None:
                # below the cutoff or the top 3: score the source directly
                own = similarity(opaque(query, grow=False).split(), rows[source].split())
            found += bool(hits) and own >= hits[0][1] - 1e-9
            scores.append(own)
            r.scores[(source, label)] = own
        r.top1[label] = found / len(items)
        r.mean[label] = statistics.mean(scores)
        r.low[label] = min(scores)
        r.count[label] = len(items)
    for text in held:
        hits = index.search(opaque(text, grow=False), top=1, min_score=1)
        r.unrelated.append(hits[0][1] if hits else 0.0)
    return r


def reference(
    memory: list[str], queries: dict[str, list[tuple[int, str]]]
) -> dict[tuple[int, str], float] | None:
    """Word-level scores of the queries against their sources, words cut by jieba's
    dictionary (HMM off: deterministic), the rest as :func:`tm.tokens.masked` cuts it; None
    when jieba is not installed (it is used by this benchmark only)."""
    try:
        import jieba
    except ImportError:
        return None
    import logging

    jieba.setLogLevel(logging.WARNING)

    words = _cut_runs(lambda run: jieba.lcut(run, HMM=False))

    return {
        (source, label): similarity(words(query), words(memory[source]))
        for label, items in queries.items()
        for source, query in items
    }


def deviation(r: Result, ref: dict[tuple[int, str], float], label: str | None) -> float:
    """Mean |score - word-level score| over the ``label`` queries (None: all)."""
    keys = [k for k in ref if label is None or k[1] == label]
    return statistics.mean(abs(r.scores[k] - ref[k]) for k in keys)


def same_order(r: Result, ref: dict[tuple[int, str], float]) -> tuple[float, int]:
    """Share of query pairs on one source, ordered strictly by the word-level score, that
    the tokenisation orders the same way."""
    by_source: dict[int, list[tuple[int, str]]] = {}
    for key in ref:
        by_source.setdefault(key[0], []).append(key)
    ok = total = 0
    for keys in by_source.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if abs(ref[a] - ref[b]) < 1e-9:
                    continue
                total += 1
                ok += (ref[a] - ref[b]) * (r.scores[a] - r.scores[b]) > 0
    return ok / total, total


def agree(r: Result, higher: str, lower: str, *, strict: bool = True) -> tuple[float, int]:
    """Share of sources where the ``higher`` edit scores above (or at) the ``lower`` one."""
    pairs = [
        (r.scores[(s, higher)], r.scores[(s, lower)])
        for (s, label) in r.scores
        if label == higher and (s, lower) in r.scores
    ]
    ok = sum(a > b + 1e-9 if strict else a >= b - 1e-9 for a, b in pairs)
    return (ok / len(pairs) if pairs else float("nan")), len(pairs)


def below(r: Result, label: str, score: float) -> float:
    """Share of ``label`` queries whose source scores below ``score``."""
    return sum(r.scores[k] < score for k in r.scores if k[1] == label) / r.count[label]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(results: list[Result], ref: dict[tuple[int, str], float] | None) -> None:
    width = 10

    def line(label: str, cells: list[str]) -> None:
        print(f"{label:<34}" + "".join(f"{c:>{width}}" for c in cells))

    line("", [r.name for r in results])
    line("model training (s)", [f"{r.train_s:.2f}" for r in results])
    line("index build incl. tokenising (s)", [f"{r.build_s:.2f}" for r in results])
    line("distinct tokens", [f"{r.vocab:,}" for r in results])
    line("tokens per sentence", [f"{r.tokens_per_sentence:.1f}" for r in results])
    line("query p50 (ms)", [f"{1000 * statistics.median(r.latency):.2f}" for r in results])
    line("query p95 (ms)", [f"{1000 * pct(r.latency, 0.95):.2f}" for r in results])
    base = results[0]
    line(
        "  p50 ratio vs chars",
        [f"{statistics.median(r.latency) / statistics.median(base.latency):.2f}x" for r in results],
    )
    print("\nedited queries: top-1 recall / mean score of the source / lowest")
    for label in base.top1:
        line(f"  {label} (n={base.count[label]})", [f"{100 * r.top1[label]:.1f}%" for r in results])
        line("", [f"{r.mean[label]:.1f}" for r in results])
        line("", [f"{r.low[label]:.0f}" for r in results])
    line("  1 char edit scoring < 85", [f"{100 * below(r, 'char x1', 85):.1f}%" for r in results])
    print("\nordering a translator expects (share of the same sources)")
    for higher, lower, strict in [
        ("char x1", "char x3", True),
        ("word x1", "word x2", True),
        ("word x2", "word x3", True),
        ("word x1", "word x3", True),
        ("char x1", "word x1", False),
    ]:
        rel = ">" if strict else ">="
        share = [agree(r, higher, lower, strict=strict) for r in results]
        line(f"  {higher} {rel} {lower} (n={share[0][1]})", [f"{100 * s:.1f}%" for s, _ in share])
    if ref is None:
        print("\n(jieba not installed: no word-level reference)")
    else:
        print("\nword-level reference (jieba words): mean |score - word-level score|")
        for label in base.top1:
            line(f"  {label}", [f"{deviation(r, ref, label):.1f}" for r in results])
        line("  all edits", [f"{deviation(r, ref, None):.1f}" for r in results])
        orders = [same_order(r, ref) for r in results]
        line(f"  pairs ordered as words (n={orders[0][1]})", [f"{100 * o:.1f}%" for o, _ in orders])
    print(f"\nunrelated held-out sentences (n={len(base.unrelated)}): best match (any score)")
    line("  >= 75", [str(sum(s >= 75 for s in r.unrelated)) for r in results])
    line("  >= 50", [str(sum(s >= 50 for s in r.unrelated)) for r in results])
    line(
        "  p50 / p95",
        [f"{pct(r.unrelated, 0.5):.0f}/{pct(r.unrelated, 0.95):.0f}" for r in results],
    )
    line("  max", [f"{max(r.unrelated):.1f}" for r in results])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 queries per edit, one model")
    args = parser.parse_args()
    if not all(f.is_file() for f in FILES):
        raise SystemExit(f"{FILES[0].parent.parent} not found: needs ../shared/data")
    memory, held = load()
    words = proxy_words(memory)
    n = 100 if args.quick else 400
    picks = random.Random(SEED + 1).sample(range(len(memory)), n)
    queries: dict[str, list[tuple[int, str]]] = {}
    for kind, k in EDITS:
        items = []
        for p in picks:
            q = edit(memory[p], kind, k, random.Random(SEED * 7 + p * 13 + k), words)
            if q is not None and q != memory[p]:
                items.append((p, q))
        queries[f"{kind} x{k}"] = items
    print(
        f"zh tokens bench: {len(memory):,} memory sentences, {len(held)} held out,"
        f" {len(words)} proxy words, up to {n} queries per edit, seed {SEED}\n"
    )
    models = MODELS[:2] if args.quick else MODELS
    results = []
    for name, model_type, vocab, coverage in models:
        if model_type is None:
            tokens: Tokenizer = char_tokens
            train_s = 0.0
        else:
            tokens, train_s = train(memory, model_type, vocab, coverage)
        results.append(measure(name, tokens, train_s, memory, held, queries))
    report(results, reference(memory, queries))


if __name__ == "__main__":
    main()
