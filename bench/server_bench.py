"""Load benchmark of ``untm serve``: concurrent clients on loopback while a document is built.

A memory of real pool sentences (``../shared/data/corpus/opus-testsets-en-pool``, padded with
seeded synthetic sentences beyond the pool, as ``match_bench.py`` makes them) is served by a
real ``untm serve`` on 127.0.0.1. Client threads send, for a fixed time, a mix of term
look-ups (50%), concordance searches (20%) and 10-sentence ``match`` requests (30%); meanwhile
the letter and its five versions are built into the same memory through the CLI, twice. The
baseline, in the same run, is the same requests sent by one client alone on the idle server.

With ``--postgres`` the memory is a PostgreSQL database (``--postgres URL`` of an empty
database, or ``--postgres auto``: a throwaway cluster on loopback, stopped at the end), and a
second server on the same memory, with an index cache of its own (another machine), is started
too: after the loaded phase a document is built through the first and the second is asked for
it until it matches (the issue: <= 2 s).

Printed: requests per second, errors, p50/p95/max per kind under load and alone (and how many
clients waited on each kind on average, and the load average), and the
issue's targets (0 errors, p95 term look-up <= 50 ms, p95 match <= 300 ms); and the CPU
seconds the loaded phase took by part (the servers with their worker processes, PostgreSQL,
the bench's clients and builds, and other programs: on a shared machine the figures are only
as good as the cores the run had). Every request goes to 127.0.0.1 only; the run stops by
itself (time-bounded loops, request timeouts).

A PostgreSQL memory of a million units takes a long time to store: ``--keep-cluster DIR``
(with ``--postgres auto``) keeps the throwaway cluster in ``DIR`` (outside the repository)
between runs, stopped at the end, and its database ``untm_bench_<units>`` once stored is used
again as it is (the documents earlier runs built in it are removed first, so each run starts
from the same memory; the match indexes are always built anew).

Run: ``.venv/bin/python bench/server_bench.py`` (1,000,000 units, 32 clients, 60 s) or
``--quick`` (20,000 units, 8 clients, 10 s); add ``--postgres auto`` for PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import pgcluster  # noqa: E402
from match_bench import SEED, edit, memory_of  # noqa: E402

from tm import access  # noqa: E402
from tm.documents import DocumentStore  # noqa: E402
from tm.memory import Memory  # noqa: E402
from tm.models import Unit, Variant  # noqa: E402

LETTER = ROOT / "examples" / "letter"
FOLLOW = ROOT / "tests" / "fixtures" / "reference"  # our own resolution, en and fr
TERMS = [
    "ICCPR",
    "Security Council",
    "Convention on the Rights of the Child",
    "Comité des droits de l'homme",
    "Human Rights Council",
    "UNESCO",
    "Secretary-General",
    "Pacte international relatif aux droits civils et politiques",
]


#: meta key of a memory this bench stored whole (its size), so that a kept one is used again
STORED = "bench_units"


def build_memory(target: str, size: int) -> list[str]:
    """A memory of ``size`` en-fr units at ``target`` (a file or a URL); returns its English
    sources. A memory this bench stored whole before is used as it is, without the documents
    earlier runs built."""
    pairs, synthetic = memory_of(size)
    print(f"memory: {size:,} units ({synthetic:,} synthetic)", flush=True)
    start = time.perf_counter()
    with Memory.open(target) as store:
        if store.meta().get(STORED) == str(size):
            documents = DocumentStore(store)
            for record in documents.records():
                documents.remove(record.id)
            print(f"memory kept from an earlier run: {target}", flush=True)
            return [en for en, _ in pairs]
        batch = 50_000
        for begin in range(0, len(pairs), batch):
            store.add(
                Unit((Variant("en", en), Variant("fr", fr)), tuid=f"b{begin + i}")
                for i, (en, fr) in enumerate(pairs[begin : begin + batch])
            )
        store.set_meta(STORED, str(size))
    print(f"memory stored in {time.perf_counter() - start:.0f} s", flush=True)
    return [en for en, _ in pairs]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    """One client: sends requests until ``deadline``, records (kind, seconds, ok)."""

    def __init__(self, base: str, token: str, drafts: list[str], seed: int) -> None:
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}"}
        self.drafts = drafts
        self.rng = random.Random(seed)
        self.samples: list[tuple[str, float, bool]] = []

    def request(self, kind: str) -> None:
        if kind == "terms":
            query = urllib.parse.urlencode({"q": self.rng.choice(TERMS)})
            req = urllib.request.Request(f"{self.base}/api/terms?{query}", headers=self.headers)
        elif kind == "concordance":
            word = self.rng.choice(("Council", "human rights", "Convention", "report"))
            query = urllib.parse.urlencode({"q": word, "limit": 20})
            req = urllib.request.Request(
                f"{self.base}/api/concordance?{query}", headers=self.headers
            )
        else:
            body = json.dumps(
                {"text": self.rng.choice(self.drafts), "lang": "en", "target_lang": "fr"}
            ).encode()
            headers = {**self.headers, "Content-Type": "application/json"}
            req = urllib.request.Request(f"{self.base}/api/match", data=body, headers=headers)
        start = time.perf_counter()
        ok = True
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            ok = False
        self.samples.append((kind, time.perf_counter() - start, ok))

    def run(self, deadline: float) -> None:
        while time.perf_counter() < deadline:
            roll = self.rng.random()
            self.request("terms" if roll < 0.5 else "concordance" if roll < 0.7 else "match")


def cpu_seconds(servers: list[int], port: int | None) -> dict[str, float]:
    """CPU seconds used so far (Linux ``/proc``): by the servers (their processes and every
    process under them), by the PostgreSQL server on ``port`` (on this machine), by this bench
    (its clients, and the builds it ran and waited for), and by the whole machine (so what
    other programs took shows too)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    postmaster: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
        if args[0].endswith(b"/postgres") and f"-p {port} ".encode() in b" ".join(args):
            postmaster.add(pid)

    def under(pid: int, roots: set[int]) -> bool:
        while pid > 1:
            if pid in roots:
                return True
            pid = parents.get(pid, 1)
        return False

    out = {
        "servers": sum(t for pid, t in used.items() if under(pid, set(servers))),
        "postgres": sum(t for pid, t in used.items() if under(pid, postmaster)),
    }
    own = os.times()
    out["bench"] = own.user + own.system + own.children_user + own.children_system
    with open("/proc/stat") as stat_file:
        total = [int(x) for x in stat_file.readline().split()[1:]]
    out["machine"] = (sum(total) - total[3] - total[4]) / tick  # all but idle and iowait
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(samples: list[tuple[str, float, bool]], seconds: float) -> dict[str, dict[str, float]]:
    """Per kind: how many answered, p50/p95/max in ms, and how many clients waited on that
    kind on average over ``seconds`` (with clients that never pause, the kinds served last
    hold most of them)."""
    out = {}
    for kind in ("terms", "concordance", "match"):
        times = [t for k, t, ok in samples if k == kind and ok]
        if times:
            out[kind] = {
                "n": len(times),
                "p50": 1000 * statistics.median(times),
                "p95": 1000 * percentile(times, 0.95),
                "max": 1000 * max(times),
                "waiting": sum(times) / seconds,
            }
    return out


def builder(memory: str, stop: threading.Event, log: list[str]) -> None:
    """Build the letter into the served memory, twice (a rebuild replaces), as an editor would."""
    files = [str(LETTER / f"letter.{lang}.md") for lang in ("en", "ar", "es", "fr", "ru", "zh")]
    for _ in range(2):
        if stop.is_set():
            return
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "cli.main", "build", *files, "-m", str(memory)],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        log.append(f"build exit {done.returncode} in {time.perf_counter() - start:.1f} s")


def serve(memory: str, port: int, workers: int, cache: Path) -> subprocess.Popen[bytes]:
    """``untm serve`` on 127.0.0.1:``port`` with an index cache folder of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "-m", memory, "--port", str(port)]
        + ["--workers", str(workers)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "UNTM_INDEX_CACHE": str(cache)},
        start_new_session=True,  # its workers too can be stopped as one group
    )


def healthy(base: str, server: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.perf_counter() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=1):
                return True
        except OSError:
            if server.poll() is not None or time.perf_counter() > deadline:
                return False
            time.sleep(0.2)


def followed(first: str, second: str, token: str, editor: str) -> float:
    """Seconds from a document built through ``first`` until ``second`` matches it exactly."""
    paths = [FOLLOW / f"resolution.{lang}.md" for lang in ("en", "fr")]
    sentence = paths[0].read_text(encoding="utf-8").split("\n\n")[3]
    boundary = "untm-bench-boundary"
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{path.name}"\r\nContent-Type: text/markdown\r\n\r\n'.encode()
            + path.read_bytes()
            + b"\r\n"
            for path in paths
        )
        + f"--{boundary}--\r\n".encode()
    )
    build = urllib.request.Request(
        f"{first}/api/documents",
        data=body,
        headers={
            "Authorization": f"Bearer {editor}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    ask = json.dumps({"text": sentence, "lang": "en", "target_lang": "fr"}).encode()
    with urllib.request.urlopen(build, timeout=60) as response:
        response.read()
    built = time.perf_counter()
    while time.perf_counter() - built < 30:
        match = urllib.request.Request(
            f"{second}/api/match",
            data=ask,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(match, timeout=30) as response:
            found = json.loads(response.read())
        if any(m["score"] >= 100 for seg in found["segments"] for m in seg["matches"]):
            return time.perf_counter() - built
    return float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 units, 8 clients, 10 s")
    parser.add_argument("--units", type=int, help="memory size")
    parser.add_argument("--clients", type=int, help="concurrent clients")
    parser.add_argument("--seconds", type=float, help="length of the loaded phase")
    parser.add_argument("--workers", type=int, default=2, help="untm serve --workers")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="the memory in PostgreSQL: an empty database's URL, or 'auto' (a throwaway cluster)",
    )
    parser.add_argument(
        "--keep-cluster",
        metavar="DIR",
        type=Path,
        help="with --postgres auto: keep the cluster and its memory in DIR for the next run",
    )
    args = parser.parse_args()
    if args.keep_cluster is not None and args.postgres != "auto":
        parser.error("--keep-cluster goes with --postgres auto")
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="untm-bench-")))
        if args.postgres == "auto" and args.keep_cluster is not None:
            admin = stack.enter_context(pgcluster.cluster(args.keep_cluster))
            units = args.units or (20_000 if args.quick else 1_000_000)
            memory = kept_database(admin, f"untm_bench_{units}")
        elif args.postgres == "auto":
            admin = stack.enter_context(pgcluster.cluster())
            memory = stack.enter_context(pgcluster.new_database(admin))
        else:
            memory = args.postgres or str(folder / "bench.sqlite")
        return run(args, memory, folder, postgres=bool(args.postgres))


def kept_database(admin: str, name: str) -> str:
    """The URL of database ``name`` of the cluster at ``admin``, created when missing."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
    return f"{admin.rsplit('/', 1)[0]}/{name}"


def run(args: argparse.Namespace, memory: str, folder: Path, *, postgres: bool) -> int:
    units = args.units or (20_000 if args.quick else 1_000_000)
    clients = args.clients or (8 if args.quick else 32)
    seconds = min(args.seconds or (10.0 if args.quick else 60.0), 600.0)
    sources = build_memory(memory, units)
    rng = random.Random(SEED)
    drafts = [
        "\n\n".join(edit(rng.choice(sources), rng, sources[:1000]) for _ in range(10))
        for _ in range(50)
    ]
    with Memory.open(memory, create=False) as store:
        token = access.add_token(store, "bench", "reader")[1]
        editor = access.add_token(store, "bench editor", "editor")[1]
    servers: list[subprocess.Popen[bytes]] = []
    bases = []
    follow = float("nan")
    try:
        for machine in ("one", "two") if postgres else ("one",):
            port = free_port()
            servers.append(serve(memory, port, args.workers, folder / f"cache-{machine}"))
            bases.append(f"http://127.0.0.1:{port}")
        for base, server in zip(bases, servers, strict=True):
            if not healthy(base, server, 120):
                print("untm serve did not start; nothing measured", file=sys.stderr)
                return 1
        base = bases[0]
        start = time.perf_counter()
        for other in bases:
            warm = Client(other, token, drafts, 0)  # the first match indexes the memory
            for _ in range(2 * args.workers):
                warm.request("match")
        print(f"warm-up (index built on first match): {time.perf_counter() - start:.1f} s")

        alone = Client(base, token, drafts, 1)
        alone.run(time.perf_counter() + min(seconds, 15.0))

        stop = threading.Event()
        log: list[str] = []
        build = threading.Thread(target=builder, args=(memory, stop, log))
        loaded = [Client(base, token, drafts, 100 + i) for i in range(clients)]
        end = time.perf_counter() + seconds
        threads = [threading.Thread(target=c.run, args=(end,)) for c in loaded]
        began = time.perf_counter()
        pg_port = urllib.parse.urlsplit(memory).port if postgres else None
        cpu_before = cpu_seconds([server.pid for server in servers], pg_port)
        load = [os.getloadavg()[0]]
        build.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        load.append(os.getloadavg()[0])
        stop.set()
        build.join()
        cpu = {
            k: v - cpu_before[k]
            for k, v in cpu_seconds([server.pid for server in servers], pg_port).items()
        }
        if len(bases) == 2:
            follow = followed(bases[0], bases[1], token, editor)
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)  # a bench never leaves a server behind
                server.wait()

    samples = [s for c in loaded for s in c.samples]
    errors = sum(1 for _, _, ok in samples if not ok)
    under, idle = summary(samples, elapsed), summary(alone.samples, elapsed)
    print(
        f"\n{clients} clients for {elapsed:.0f} s on {units:,} units "
        f"({'PostgreSQL' if postgres else 'SQLite'}), {args.workers} workers; "
        f"{'; '.join(log) or 'no build finished'}"
    )
    print(f"requests: {len(samples):,} ({len(samples) / elapsed:.1f}/s), errors: {errors}")
    others = cpu["machine"] - cpu["servers"] - cpu["postgres"] - cpu["bench"]
    print(
        f"CPU seconds in the loaded phase (and the builds): servers {cpu['servers']:.0f}, "
        f"PostgreSQL {cpu['postgres']:.0f}, bench clients and builds {cpu['bench']:.0f}, "
        f"other programs {max(others, 0):.0f}; machine {cpu['machine']:.0f} of "
        f"{elapsed * (os.cpu_count() or 1):.0f} ({os.cpu_count()} cores)"
    )
    print(
        f"load average (1 min) at the phase's start {load[0]:.1f}, at its end {load[1]:.1f}; "
        "'waiting': clients waiting on that kind, on average"
    )
    print(
        f"{'kind':<12}{'n':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'waiting':>9}"
        "  | alone p50, p95 ms"
    )
    for kind, row in under.items():
        base_row = idle.get(kind, {"p50": float("nan"), "p95": float("nan")})
        print(
            f"{kind:<12}{row['n']:>7.0f}{row['p50']:>10.1f}{row['p95']:>10.1f}{row['max']:>10.1f}"
            f"{row['waiting']:>9.1f}  | {base_row['p50']:.1f}, {base_row['p95']:.1f} "
            f"(x{row['p95'] / base_row['p95']:.1f} at p95)"
        )
    ok_terms = under.get("terms", {}).get("p95", 1e9) <= 50
    ok_match = under.get("match", {}).get("p95", 1e9) <= 300
    print(
        f"targets: 0 errors {'met' if errors == 0 else 'MISSED'}; p95 terms <= 50 ms "
        f"{'met' if ok_terms else 'MISSED'}; p95 match <= 300 ms {'met' if ok_match else 'MISSED'}"
    )
    if postgres:
        print(
            f"two servers, one PostgreSQL: built through one, matched by the other "
            f"{follow:.2f} s later ({'met' if follow <= 2 else 'MISSED'}: <= 2 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
