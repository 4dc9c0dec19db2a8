#!/usr/bin/env python3
# Requests while the sequencer is stopped (issue 8): another process holds
# the SQLite write lock (briefly, then past the store's busy time-out),
# ippyo-chaind itself is stopped with SIGSTOP, and a SIGTERM drain comes
# while the sequencer waits on the lock. Every request gets a definite answer
# (a receipt, or an error with its code; 503 with Retry-After for a retry),
# none hangs; nothing half-appended; once the block ends a legitimate ballot
# is taken within the time limit and the log keeps every receipt and
# checkpoint the server gave out.
import os
import signal
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faultutil import LIMIT, Ledger, Background, post, code_of  # noqa: E402
from chainharness import Election, Server, Tap, pki_dir  # noqa: E402

BUSY_S = 5.0        # CHAIN_STORE_BUSY_MS in chain/chain-store.h

t = Tap()
pki = pki_dir()
el = Election(pki)
pool = el.ballots(["voter-%03d" % i for i in range(1, 9)], 24)
ledger = Ledger(el)
srv = Server(el)


def lock_db():
    """Another process's write transaction on the chain's database."""
    c = sqlite3.connect(el.path("chain.sqlite"), isolation_level=None, timeout=0)
    c.execute("BEGIN IMMEDIATE")
    return c


def legit_after(name):
    b = pool.pop(0)
    s, _, body, dt = post(srv.port, b)
    ok = ledger.take(b, s, body)
    if not t.ok(ok and dt <= LIMIT, "%s: then a legitimate ballot is taken in %.2f s (limit %.1f s)"
                % (name, dt, LIMIT)):
        print("# %s %s" % (s, body[:200]))


def log_keeps(name):
    bad = ledger.problems(srv)
    for line in bad[:5]:
        print("# " + line)
    t.ok(not bad, "%s: the log keeps all %d receipts and %d checkpoints"
         % (name, len(ledger.receipts), len(ledger.checkpoints)))


try:
    b = pool.pop(0)
    s, _, body, _ = post(srv.port, b)
    t.ok(ledger.take(b, s, body), "a ballot before any block")

    # ---- 1. a short lock: the submissions wait for it and go through ----
    size0 = srv.status()["size"]
    lock = lock_db()
    batch = [pool.pop(0) for _ in range(3)]
    bg = Background(srv.port, batch)
    time.sleep(1.5)
    t0 = time.monotonic()
    st = srv.status()
    t.ok(time.monotonic() - t0 <= LIMIT, "short lock: reads are served while the database is locked")
    t.eq(st["size"], size0, "short lock: nothing is published while the database is locked")
    lock.rollback()
    lock.close()
    res = bg.wait()
    t.ok(all(r[0] == 200 for r in res), "short lock (1.5 s): the waiting ballots get their receipts (%s)"
         % [r[0] for r in res])
    t.ok(all(r[3] < 1.5 + BUSY_S for r in res), "short lock: answered in %s s"
         % ["%.1f" % r[3] for r in res])
    for b, r in zip(batch, res):
        ledger.take(b, r[0], r[2])
    legit_after("short lock")
    log_keeps("short lock")

    # ---- 2. a lock past the busy time-out: a definite error, nothing appended ----
    size0 = srv.status()["size"]
    lock = lock_db()
    batch = [pool.pop(0) for _ in range(3)]
    bg = Background(srv.port, batch)
    res = bg.wait()
    st = srv.status()
    lock.rollback()
    lock.close()
    t.ok(all(r[0] is not None and code_of(r[2]) is not None and r[3] < 2 * BUSY_S + 5 for r in res),
         "long lock: every waiting ballot gets a definite error answer (%s) in %s s"
         % (["%s %s" % (r[0], code_of(r[2])) for r in res], ["%.1f" % r[3] for r in res]))
    t.ok(all(r[0] == 503 and "retry-after" in r[1] and code_of(r[2]) == "store_busy" for r in res),
         "long lock: the answer is 503 store_busy with Retry-After (%s)"
         % ["%s %s" % (r[0], code_of(r[2])) for r in res])
    t.eq(st["size"], size0, "long lock: nothing was published")
    legit_after("long lock")
    # The refused ballots go through when sent again; none was half-appended.
    again = [post(srv.port, b) for b in batch]
    t.ok(all(r[0] == 200 and "ippyo-duplicate" not in r[1] for r in again),
         "long lock: the refused ballots are taken when sent again, as new entries (%s)"
         % [r[0] for r in again])
    for b, r in zip(batch, again):
        ledger.take(b, r[0], r[2])
    log_keeps("long lock")

    # ---- 3. SIGSTOP: requests wait in the kernel, all answered after SIGCONT ----
    os.kill(srv.proc.pid, signal.SIGSTOP)
    batch = [pool.pop(0) for _ in range(3)]
    bg = Background(srv.port, batch)
    time.sleep(1.5)
    cont = time.monotonic()
    os.kill(srv.proc.pid, signal.SIGCONT)
    res = bg.wait()
    done = time.monotonic() - cont
    t.ok(all(r[0] == 200 for r in res) and done <= 2 * LIMIT + 1,
         "SIGSTOP 1.5 s: every waiting ballot gets its receipt %.2f s after SIGCONT (%s)"
         % (done, [r[0] for r in res]))
    for b, r in zip(batch, res):
        ledger.take(b, r[0], r[2])
    legit_after("SIGSTOP")
    log_keeps("SIGSTOP")

    # ---- 4. SIGTERM while the sequencer waits on a lock ----
    lock = lock_db()
    batch = [pool.pop(0) for _ in range(3)]
    bg = Background(srv.port, batch)
    time.sleep(0.5)
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    late = pool.pop(0)
    s, h, body, dt = post(srv.port, late, timeout=30)
    t.ok(s == 503 and code_of(body) == "stopping" and "retry-after" in h and dt <= LIMIT,
         "draining: a new ballot gets 503 stopping with Retry-After in %.2f s (%s %s)"
         % (dt, s, code_of(body)))
    t0 = time.monotonic()
    try:
        st = srv.status()
        t.ok(time.monotonic() - t0 <= LIMIT, "draining: reads are still served (size %d)" % st["size"])
    except Exception as e:
        t.ok(False, "draining: reads are still served (%s)" % e)
    # an impatient operator: a second SIGTERM must not cut the drain short
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    t.ok(srv.proc.poll() is None, "draining: a second SIGTERM does not kill the server")
    lock.rollback()
    lock.close()
    res = bg.wait()
    t.ok(all(r[0] == 200 for r in res), "draining: the ballots taken before SIGTERM get receipts (%s)"
         % [r[0] for r in res])
    for b, r in zip(batch, res):
        ledger.take(b, r[0], r[2])
    rc = srv.wait_exit()
    srv.log.close()
    t.eq(rc, 0, "draining: the server exits 0")
    srv = Server(el)
    log_keeps("after the drain and a restart")
    legit_after("after the restart")
    t.eq(srv.stop(), 0, "the server stops cleanly at the end")
finally:
    if srv.proc.poll() is None:
        try:
            os.kill(srv.proc.pid, signal.SIGCONT)
        except OSError:
            pass
        srv.kill9()
    el.cleanup()
t.done()
