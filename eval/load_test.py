"""Load test: N concurrent drafting clients against ``POST /api/draft`` on loopback.

    .venv/bin/python eval/load_test.py --clients 10 --requests 5            # starts the app itself
    .venv/bin/python eval/load_test.py --url http://127.0.0.1:7860 --clients 10

Each client sends its requests one after another (a closed loop, like an agent waiting for each draft); the
run stops after ``--requests`` per client or ``--max-seconds``, whichever comes first. Prints latency p50/p95/max,
throughput and the errors by HTTP status (503 is the server's "busy, retry").
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
MAX_CLIENTS = 64
COMPLAINTS = [
    ("nb", "Hei. Jeg bestilte en vaskemaskin 3. mars (ordre 48213), men den har ikke kommet. Hva skjer?"),
    ("ru", "Здравствуйте! Заказ № 77120 должен был прийти неделю назад, но его до сих пор нет. Что происходит?"),
    ("nl", "Ik heb op 2 mei een stofzuiger besteld (bestelling 55102) en hij doet het nu al niet meer. Erg jammer."),
    ("en", "I was charged twice for my subscription this month (invoice 88-4410). Please fix this right away."),
    ("de", "Ich warte seit drei Wochen auf meine Rückerstattung für Bestellung 39921. Das ist wirklich ärgerlich."),
    ("sv", "Hej! Jag har ringt tre gånger om min trasiga diskmaskin och ingen har hört av sig. Order 61230."),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(port: int, timeout_s: float) -> subprocess.Popen:
    env = {**os.environ, "COMPLAINT_ASSISTANT_DB": str(Path("/tmp") / f"load-test-{port}.sqlite3")}
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "app.py"), "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited with code {proc.returncode} while starting")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"the app did not answer /api/health within {timeout_s:.0f} s")


def run(url: str, clients: int, requests: int, max_seconds: float) -> dict:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + max_seconds

    def client(n: int) -> None:
        with httpx.Client(base_url=url, timeout=max_seconds) as http:
            for i in range(requests):
                if time.monotonic() >= stop_at:
                    return
                _, text = COMPLAINTS[(n + i) % len(COMPLAINTS)]
                started = time.perf_counter()
                try:
                    status = str(http.post("/api/draft", json={"text": text}).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    statuses[status] += 1
                    if status == "200":
                        latencies.append(elapsed)

    # one request first, so the figures are warm (the first draft loads lazily-built parts)
    httpx.post(f"{url}/api/draft", json={"text": COMPLAINTS[0][1]}, timeout=max_seconds)
    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(q: float) -> float | None:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3) if ordered else None

    return {
        "clients": clients,
        "requests_sent": sum(statuses.values()),
        "ok": len(latencies),
        "errors": {k: v for k, v in statuses.items() if k != "200"},
        "p50_s": pct(0.50),
        "p95_s": pct(0.95),
        "max_s": round(ordered[-1], 3) if ordered else None,
        "mean_s": round(statistics.fmean(ordered), 3) if ordered else None,
        "throughput_per_s": round(len(latencies) / wall, 2) if wall else None,
        "wall_s": round(wall, 1),
        "cpu_count": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running app; without it the script starts app.py on a free port")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=5, help="drafts per client")
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--start-timeout", type=float, default=600.0, help="seconds to wait for the app to load")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be between 1 and {MAX_CLIENTS}")

    proc = None
    url = args.url
    if url is None:
        port = _free_port()
        print(f"starting app.py on port {port} …", file=sys.stderr)
        proc = _start_server(port, args.start_timeout)
        url = f"http://127.0.0.1:{port}"
    try:
        result = run(url.rstrip("/"), args.clients, args.requests, args.max_seconds)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['clients']} clients, {result['requests_sent']} drafts in {result['wall_s']} s on "
            f"{result['cpu_count']} cores: p50 {result['p50_s']} s, p95 {result['p95_s']} s, max {result['max_s']} s, "
            f"{result['throughput_per_s']} drafts/s, errors {result['errors'] or 'none'}"
        )
    return 0 if not result["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
