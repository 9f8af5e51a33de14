#!/usr/bin/env python3
"""Soak client for `nemotron serve` (docs/robustness.md): STREAMS threads, each streaming requests
back to back for SECONDS (chat and plain completions alternately, SSE), against one server on
127.0.0.1; samples the server's resident memory (VmRSS of PID) every INTERVAL seconds.

Every request must answer 200 with an SSE stream that ends in `data: [DONE]`; anything else
(another status, a broken stream, a connection error, a timeout) is counted as an error.
Writes OUT/rss.csv (seconds, rss_mib, completed requests, errors) and OUT/soak.json.

    tools/soak.py URL PID OUT [--streams 64] [--seconds 600] [--interval 5]
"""
import argparse
import http.client
import json
import random
import threading
import time
import urllib.parse

PROMPTS = ["Tell me a story about a whale.", "What is 12 + 34?", "Call me Ishmael.", "List three colours.",
           "Why is the sea salty?", "/no_think Say hello.", "Write a haiku about rain."]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.done = 0
        self.errors = 0
        self.tokens = 0
        self.samples = []

    def ok(self, chunks):
        with self.lock:
            self.done += 1
            self.tokens += chunks

    def fail(self, why):
        with self.lock:
            self.errors += 1
            if len(self.samples) < 20:
                self.samples.append(why)


def one_request(host, port, i, rnd):
    chat = i % 2 == 0
    body = {"max_tokens": rnd.randint(8, 48), "stream": True, "temperature": 0.8, "seed": rnd.randint(0, 1 << 30)}
    if chat:
        body["messages"] = [{"role": "user", "content": rnd.choice(PROMPTS)}]
        path = "/v1/chat/completions"
    else:
        body["prompt"] = rnd.choice(PROMPTS)
        path = "/v1/completions"
    conn = http.client.HTTPConnection(host, port, timeout=120)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read().decode("utf-8")
        if r.status != 200:
            return f"status {r.status}: {data[:200]}"
        if not data.endswith("data: [DONE]\n\n"):
            return f"stream without [DONE]: {data[-200:]!r}"
        chunks = 0
        for block in data.split("\n\n"):
            if block.startswith("data: {"):
                event = json.loads(block[6:])
                if "error" in event:
                    return f"error event: {block[:200]}"
                chunks += 1
        return chunks
    finally:
        conn.close()


def worker(host, port, deadline, stats, n):
    rnd = random.Random(n)
    i = n
    while time.time() < deadline:
        try:
            result = one_request(host, port, i, rnd)
            if isinstance(result, int):
                stats.ok(result)
            else:
                stats.fail(result)
        except Exception as e:  # a broken connection or a timeout is an error of the soak
            stats.fail(f"{type(e).__name__}: {e}")
        i += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("pid", type=int)
    ap.add_argument("out")
    ap.add_argument("--streams", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--interval", type=float, default=5)
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.url)
    if u.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("soak: only a server on 127.0.0.1")
    stats = Stats()
    start = time.time()
    deadline = start + a.seconds
    threads = [threading.Thread(target=worker, args=(u.hostname, u.port, deadline, stats, n), daemon=True)
               for n in range(a.streams)]
    rows = [(0.0, rss_mib(a.pid), 0, 0)]
    for t in threads:
        t.start()
    while time.time() < deadline:
        time.sleep(min(a.interval, max(0.0, deadline - time.time())))
        with stats.lock:
            rows.append((round(time.time() - start, 1), rss_mib(a.pid), stats.done, stats.errors))
        print(f"t={rows[-1][0]:6.0f}s rss={rows[-1][1]:7.1f} MiB requests={rows[-1][2]} errors={rows[-1][3]}",
              flush=True)
    for t in threads:
        t.join(timeout=180)
    hung = sum(t.is_alive() for t in threads)
    rows.append((round(time.time() - start, 1), rss_mib(a.pid), stats.done, stats.errors + hung))
    with open(f"{a.out}/rss.csv", "w") as f:
        f.write("seconds,rss_mib,requests,errors\n")
        for r in rows:
            f.write(f"{r[0]},{r[1]:.1f},{r[2]},{r[3]}\n")
    after_warmup = [r[1] for r in rows if r[0] >= 60]
    summary = {"streams": a.streams, "seconds": a.seconds, "requests": stats.done, "errors": stats.errors + hung,
               "hung_streams": hung, "chunks": stats.tokens, "rss_start_mib": round(rows[0][1], 1),
               "rss_max_mib": round(max(r[1] for r in rows), 1), "rss_end_mib": round(rows[-1][1], 1),
               "rss_min_after_60s_mib": round(min(after_warmup), 1) if after_warmup else None,
               "rss_max_after_60s_mib": round(max(after_warmup), 1) if after_warmup else None,
               "error_samples": stats.samples}
    with open(f"{a.out}/soak.json", "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary, indent=2))
    raise SystemExit(0 if summary["errors"] == 0 else 1)


if __name__ == "__main__":
    main()
