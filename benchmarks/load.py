"""Opora load benchmark: concurrent signed-in users against the production server.

    .venv/bin/python benchmarks/run.py load [--users 50] [--duration 300] [--size region] [--workers 5]
    .venv/bin/python benchmarks/run.py load --base-url http://127.0.0.1:8000   # a server already running

Without --base-url it builds an installation of its own: a fresh var directory, the database from
DATABASE_URL (give an empty PostgreSQL database; without it a SQLite file), `migrate`,
`collectstatic`, the demo of --size, then `opora serve` (gunicorn, DEBUG off) with --workers
processes. Each virtual user signs in as one of the demo roles (round robin) and requests, one
after another without pause, the pages its role may open among: the programme page, the
territory dashboard, the school list, the identification list and the plans board. It prints,
per page and overall, the requests, errors (status ≠ 200 or no answer), p50 / p95 / max in
milliseconds and the throughput. The client is Python threads on the same machine, so on a
2-core machine it takes CPU from the server: the figures are an upper bound of the latency.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPORA = [sys.executable, "-m", "opora.cli"]
PASSWORD = "demo-Opora-2026"  # opora.demo.people.DEMO_PASSWORD (not imported: no Django here)
ROLES = ["region.coord", "mun.coord", "curator", "head", "region.admin", "mun.officer", "methodist"]


@dataclass
class Sample:
    page: str
    ms: float
    ok: bool


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class LocalPolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the server's Secure cookies over plain HTTP to 127.0.0.1, as browsers do for localhost."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return True


class User:
    def __init__(self, base: str, username: str) -> None:
        self.base, self.username = base, username
        self.jar = http.cookiejar.CookieJar(LocalPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, ""
        except OSError:
            return 0, ""

    def sign_in(self) -> bool:
        _status, html = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not token:
            return False
        data = urllib.parse.urlencode({"username": self.username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token.group(1)}).encode()
        request = urllib.request.Request(self.base + "/login/", data=data,
                                         headers={"Referer": self.base + "/login/"})
        try:
            with self.opener.open(request, timeout=30) as response:
                return "/login/" not in response.url
        except urllib.error.HTTPError:
            return False

    def pages(self) -> dict[str, str]:
        """The pages of the benchmark this user's role may open (found from its own menus)."""
        found: dict[str, str] = {}
        status, html = self.get("/programmes/")
        code = re.search(r'href="/programmes/([\w-]+)/"', html.replace('href="/programmes/new/"', ""))
        if status == 200 and code:
            found["programme page"] = f"/programmes/{code.group(1)}/"
        status, html = self.get("/dashboards/")
        territory = re.search(r'href="(/dashboards/(?:region|municipality)/[\w-]+/)"', html)
        if status == 200 and territory:
            found["dashboard"] = territory.group(1)
        for label, path in (("school list", "/schools/"), ("identification list", "/identification/"),
                            ("plans board", "/plans/board/")):
            if self.get(path)[0] == 200:
                found[label] = path
        return found


def run_user(user: User, pages: dict[str, str], deadline: float, tally: Tally) -> None:
    paths = list(pages.items())
    i = 0
    while time.monotonic() < deadline:
        label, path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        status, _html = user.get(path)
        tally.add(Sample(label, (time.perf_counter() - started) * 1000, status == 200))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(tally: Tally, seconds: float) -> None:
    print(f"\n{'page':22} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    groups: dict[str, list[Sample]] = {}
    for s in tally.samples:
        groups.setdefault(s.page, []).append(s)
    for label, rows in [*sorted(groups.items()), ("all", tally.samples)]:
        ms = [s.ms for s in rows]
        if not ms:
            continue
        print(f"{label:22} {len(rows):9,} {sum(not s.ok for s in rows):7,} {statistics.median(ms):8.0f} "
              f"{percentile(ms, 0.95):8.0f} {max(ms):8.0f}")
    print(f"throughput: {len(tally.samples) / seconds:.1f} requests/s over {seconds:.0f} s")


def installation(size: str, workers: int) -> tuple[str, subprocess.Popen[str], dict[str, str]]:
    var = Path(tempfile.mkdtemp(prefix="opora-bench-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPORA_")}
    env.update({"DJANGO_SETTINGS_MODULE": "opora.settings", "OPORA_VAR_DIR": str(var), "OPORA_DEBUG": "0",
                "OPORA_SECRET_KEY": "bench-" + uuid.uuid4().hex * 2, "OPORA_SSL_REDIRECT": "0",
                "OPORA_ALLOWED_HOSTS": "127.0.0.1", "OPORA_LOG_LEVEL": "ERROR"})
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"],
                    ["demo", "--size", size, "-v", "0"]):
        started = time.perf_counter()
        subprocess.run([*OPORA, *command], env=env, cwd=ROOT, check=True, capture_output=True)
        print(f"  {' '.join(command[:1])}: {time.perf_counter() - started:.0f} s")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*OPORA, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    base = f"http://127.0.0.1:{port}"
    for _attempt in range(300):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310 - the local server
                break
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.2)
    return base, server, env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Opora load benchmark")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    parser.add_argument("--size", default="region", help="demo size when building the installation")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5: 2 x cores + 1)")
    parser.add_argument("--base-url", default="", help="a running server with the demo loaded")
    args = parser.parse_args(argv)

    database = os.environ.get("DATABASE_URL", "").split("@")[-1] or "SQLite (embedded)"
    print(f"Opora load benchmark: {args.users} users, {args.duration:.0f} s, database {database}")
    server = None
    base = args.base_url.rstrip("/")
    if not base:
        print(f"building an installation with the {args.size} demo:")
        base, server, _env = installation(args.size, args.workers)
    try:
        users = [User(base, ROLES[i % len(ROLES)]) for i in range(args.users)]
        plans: list[tuple[User, dict[str, str]]] = []
        for user in users:
            if not user.sign_in():
                print(f"  {user.username}: cannot sign in")
                continue
            plans.append((user, user.pages()))
        roles = {u.username: sorted(p) for u, p in plans}
        for username, pages in sorted(roles.items()):
            print(f"  {username}: {', '.join(pages) or '—'}")
        tally = Tally()
        started = time.monotonic()
        deadline = started + args.duration
        threads = [threading.Thread(target=run_user, args=(u, p, deadline, tally)) for u, p in plans if p]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        report(tally, time.monotonic() - started)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
