#!/usr/bin/env python3
"""Hostile clients for the reliability/ scripts (127.0.0.1 only, every loop bounded in time).

  clients.py slowloris --port P [--conns 1000] [--seconds 60] [--interval 5]
      keeps CONNS connections each sending a request head that never ends (one more header
      line every INTERVAL seconds); a connection the proxy closes is counted (with the status it
      answered, if any) and opened again. Prints one JSON line of figures at the end.
  clients.py hold --port P --conns N [--seconds 10]
      opens N idle TCP connections (no byte sent), holds them, then closes them. Prints one JSON
      line: how many connected, how many the proxy closed or reset while held.
"""
import argparse
import asyncio
import collections
import json
import sys
import time


async def slowloris(port, conns, seconds, interval):
    deadline = time.monotonic() + seconds
    stats = collections.Counter()
    statuses = collections.Counter()
    lifetimes = []
    open_now = 0
    samples = []

    async def one(i):
        nonlocal open_now
        while time.monotonic() < deadline:
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            except (OSError, asyncio.TimeoutError):
                stats["connect_failed"] += 1
                await asyncio.sleep(1)
                continue
            stats["connections"] += 1
            open_now += 1
            opened = time.monotonic()
            try:
                writer.write(b"GET /small HTTP/1.1\r\nHost: slow\r\n")
                await writer.drain()
                n = 0
                while time.monotonic() < deadline:
                    try:
                        data = await asyncio.wait_for(reader.read(4096), interval)
                    except asyncio.TimeoutError:
                        writer.write(b"X-Slow-%d: %d\r\n" % (n, i))
                        await writer.drain()
                        n += 1
                        continue
                    # the proxy answered or closed
                    if data.startswith(b"HTTP/1.1 "):
                        statuses[data[9:12].decode("ascii", "replace")] += 1
                    stats["closed_by_proxy"] += 1
                    lifetimes.append(time.monotonic() - opened)
                    break
            except (OSError, ConnectionError):
                stats["reset_by_proxy"] += 1
                lifetimes.append(time.monotonic() - opened)
            finally:
                open_now -= 1
                writer.close()

    async def sampler():
        while time.monotonic() < deadline:
            samples.append(open_now)
            await asyncio.sleep(1)

    start = time.monotonic()
    tasks = [asyncio.create_task(one(i)) for i in range(conns)]
    s = asyncio.create_task(sampler())
    await asyncio.gather(*tasks)
    await s
    steady = samples[10:] if len(samples) > 10 else samples
    lifetimes.sort()
    return {
        "mode": "slowloris", "target": conns, "seconds": round(time.monotonic() - start, 1),
        "open_max": max(samples) if samples else 0, "open_min_after_10s": min(steady) if steady else 0,
        "connections": stats["connections"], "closed_by_proxy": stats["closed_by_proxy"],
        "reset_by_proxy": stats["reset_by_proxy"], "connect_failed": stats["connect_failed"],
        "statuses": dict(statuses),
        "lifetime_median_s": round(lifetimes[len(lifetimes) // 2], 1) if lifetimes else None,
    }


async def hold(port, conns, seconds):
    writers = []
    stats = collections.Counter()
    for _ in range(conns):
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 2)
            writers.append((reader, writer))
        except (OSError, asyncio.TimeoutError):
            stats["connect_failed"] += 1
    stats["connected"] = len(writers)
    await asyncio.sleep(seconds)
    for reader, writer in writers:
        try:
            data = await asyncio.wait_for(reader.read(1), 0.001)
            stats["closed_by_proxy" if data == b"" else "answered"] += 1
        except asyncio.TimeoutError:
            stats["still_open"] += 1
        except (OSError, ConnectionError):
            stats["reset_by_proxy"] += 1
        writer.close()
    return {"mode": "hold", "target": conns, **stats}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["slowloris", "hold"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--conns", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--interval", type=float, default=5)
    a = ap.parse_args()
    if a.mode == "slowloris":
        result = asyncio.run(slowloris(a.port, a.conns, a.seconds, a.interval))
    else:
        result = asyncio.run(hold(a.port, a.conns, a.seconds))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
