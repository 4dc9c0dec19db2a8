#!/usr/bin/env python3
# Clock jumps on the server (issue 8, "Faults"): ippyo-chaind runs under
# libfaketime, whose offset the test rewrites while it runs (the wall clock
# jumps; the monotonic clock does not, as with a real settimeofday). Forwards
# and backwards, by a year and by ten: ballots are taken in order or refused
# by the time checks (certificate validity, poll opening) with their codes and
# nothing appended; the close is a log position, so a clock set back after it
# does not reopen the poll; checkpoints only extend; the log keeps every
# receipt. Skipped without libfaketime (Debian package faketime).
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faultutil import LIMIT, ASAN, Ledger, post, code_of  # noqa: E402
from chainharness import Election, Server, Tap, pki_dir  # noqa: E402

libs = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1") +
              glob.glob("/usr/lib/faketime/libfaketimeMT.so.1"))
if not libs:
    print("1..0 # SKIP libfaketime is not installed (Debian package faketime)")
    sys.exit(0)

t = Tap()
pki = pki_dir()
el = Election(pki)
clock = el.path("faketime")
pool = el.ballots(["voter-%03d" % i for i in range(1, 9)], 16)
ledger = Ledger(el)
order = []           # indexes in the order the receipts came
sizes = []           # checkpoint sizes in the order they were seen


def set_clock(offset):
    """The server's wall clock is now real time + offset (libfaketime syntax)."""
    with open(clock + ".tmp", "w") as f:
        f.write(offset + "\n")
    os.replace(clock + ".tmp", clock)


def start():
    saved = dict(os.environ)
    os.environ.update({
        "LD_PRELOAD": libs[0],
        "FAKETIME_TIMESTAMP_FILE": clock,
        "FAKETIME_NO_CACHE": "1",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    })
    if ASAN:
        os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    try:
        return Server(el)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def take(srv, b):
    s, _, body, dt = post(srv.port, b)
    if ledger.take(b, s, body):
        idx = ledger.receipts[b][0]
        order.append(idx)
        sizes.append(max(ledger.checkpoints))
        return True, dt
    print("# %s %s" % (s, body[:200]))
    return False, dt


def ballots(srv, offset, n):
    set_clock(offset)
    got = [take(srv, pool.pop(0)) for _ in range(n)]
    t.ok(all(g[0] for g in got), "clock %s: %d ballots taken" % (offset, n))


def refused(srv, offset, codes):
    set_clock(offset)
    before = srv.status()["size"]
    s, _, body, _ = post(srv.port, pool.pop(0))
    t.ok(code_of(body) in codes, "clock %s: a ballot is refused by the time checks (%s %s)"
         % (offset, s, code_of(body)))
    t.eq(srv.status()["size"], before, "clock %s: nothing appended" % offset)


def log_keeps(srv, name):
    bad = ledger.problems(srv)
    for line in bad[:5]:
        print("# " + line)
    t.ok(not bad, "%s: the log keeps all %d receipts and %d checkpoints"
         % (name, len(ledger.receipts), len(ledger.checkpoints)))


set_clock("+0")
srv = start()
try:
    ballots(srv, "+0", 2)
    ballots(srv, "+400d", 2)          # forwards by 400 days
    ballots(srv, "+0", 2)             # backwards by 400 days
    refused(srv, "-3650d", ("poll_not_open", "cert_not_yet_valid", "crl_unavailable"))
    refused(srv, "+3650d", ("cert_expired", "crl_unavailable"))
    set_clock("+0")
    ok, dt = take(srv, pool.pop(0))
    t.ok(ok and dt <= LIMIT, "clock back to real time: a legitimate ballot is taken in %.2f s" % dt)
    t.eq(order, sorted(order), "receipts came in log order across the jumps (%s)" % order)
    t.eq(sizes, sorted(sizes), "each receipt's checkpoint extends the one before")
    log_keeps(srv, "after the jumps")

    # The close, with the clock 400 days ahead; then the clock goes back.
    set_clock("+400d")
    size = srv.status()["size"]
    close = el.close_entry(log_size=size)
    s, _, body = srv.post("/v1/close", close)
    t.ok(s == 200, "clock +400d: the close entry is appended (%s)" % s)
    if s == 200:
        ledger.take(close, s, body)
    set_clock("+0")
    s, _, body, _ = post(srv.port, pool.pop(0))
    t.ok(s == 409 and code_of(body) == "poll_closed",
         "clock set back after the close: a ballot is still poll_closed (%s %s)" % (s, code_of(body)))
    t.eq(srv.status()["state"], "closed", "clock set back: the poll stays closed")
    first = next(iter(ledger.receipts))
    s, _, body, _ = post(srv.port, first)
    t.ok(s == 200 and body == ledger.receipts[first][1],
         "clock set back: a receipt already given is fetched again byte for byte")
    log_keeps(srv, "after the close")
    t.eq(srv.stop(), 0, "the server stops cleanly")

    # A restart with the clock far behind: the same log, still closed.
    set_clock("-3650d")
    srv = start()
    t.eq(srv.status()["state"], "closed", "restarted ten years back: still closed")
    log_keeps(srv, "restarted ten years back")
    t.eq(srv.stop(), 0, "the restarted server stops cleanly")
finally:
    if srv.proc.poll() is None:
        srv.kill9()
    el.cleanup()
t.done()
