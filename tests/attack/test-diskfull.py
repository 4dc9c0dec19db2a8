#!/usr/bin/env python3
# Disk full (issue 8, "Faults"): the chain's database lives on a small tmpfs
# in a private mount namespace (the test re-runs itself under `unshare -m`,
# so nothing leaks to the host; it needs root and is skipped without).
# A filler file takes the last byte. Submissions then fail cleanly with
# 507 store_full, nothing is published, reads go on, every receipt given
# stays valid; a restart on the full disk serves the same log or refuses
# with a message; once the filler is deleted service resumes, the refused
# ballots go through, and the log keeps every receipt and checkpoint.
import errno
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if os.environ.get("IPPYO_DISKFULL_NS") != "1":
    ok = (os.geteuid() == 0 and shutil.which("unshare") is not None and
          subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                         capture_output=True).returncode == 0)
    if not ok:
        print("1..0 # SKIP needs root and unshare -m for a private tmpfs")
        sys.exit(0)
    os.environ["IPPYO_DISKFULL_NS"] = "1"
    os.execvp("unshare", ["unshare", "-m", "--propagation", "private", sys.executable,
                          os.path.abspath(__file__)] + sys.argv[1:])

sys.path.insert(0, HERE)
from faultutil import LIMIT, Ledger, post, code_of  # noqa: E402
from chainharness import Election, Server, Tap, pki_dir  # noqa: E402

t = Tap()
pki = pki_dir()
el = Election(pki)
disk = el.path("disk")
os.mkdir(disk)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", disk], check=True)
el.set_config("database = chain.sqlite", "database = disk/chain.sqlite")
pool = el.ballots(["voter-%03d" % i for i in range(1, 9)], 20)
ledger = Ledger(el)
filler = os.path.join(disk, "filler")
srv = None


def fill():
    """Writes the filler until the file system refuses a single byte more."""
    n = 0
    with open(filler, "wb", buffering=0) as f:
        for size in (1 << 16, 4096, 1):
            block = b"\0" * size
            while True:
                try:
                    f.write(block)
                    n += size
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    return n


def start():
    """A server on the database, or None and its last words."""
    s = Server(el, expect_start=False)
    pf = el.path("port.txt")
    deadline = time.time() + 60
    while time.time() < deadline:
        if os.path.exists(pf):
            with open(pf) as f:
                text = f.read()
            if text.endswith("\n"):
                s.port = int(text)
                return s, None
        if s.proc.poll() is not None:
            s.log.close()
            lines = [line for line in s.logtext().splitlines() if line.strip()]
            return None, "exit %d: %s" % (s.proc.returncode, lines[-1] if lines else "")
        time.sleep(0.01)
    s.kill9()
    return None, "did not start"


def log_keeps(name):
    bad = ledger.problems(srv)
    for line in bad[:5]:
        print("# " + line)
    t.ok(not bad, "%s: the log keeps all %d receipts and %d checkpoints"
         % (name, len(ledger.receipts), len(ledger.checkpoints)))


try:
    srv, _ = start()
    for _ in range(4):
        b = pool.pop(0)
        s, _, body, _ = post(srv.port, b)
        ledger.take(b, s, body)
    t.eq(len(ledger.receipts), 4, "four ballots taken before the disk fills")
    size0 = srv.status()["size"]

    # ---- the disk fills ----
    print("# filler: %d bytes" % fill())
    refused = [pool.pop(0) for _ in range(3)]
    answers = [post(srv.port, b) for b in refused]
    t.ok(all(r[0] == 507 and code_of(r[2]) == "store_full" for r in answers),
         "disk full: submissions fail with 507 store_full (%s)"
         % ["%s %s" % (r[0], code_of(r[2])) for r in answers])
    t.ok(all(r[3] <= LIMIT for r in answers), "disk full: answered at once (%s s)"
         % ["%.2f" % r[3] for r in answers])
    t.eq(srv.status()["size"], size0, "disk full: nothing was published")
    log_keeps("disk full")

    # ---- a restart on the full disk ----
    t.eq(srv.stop(), 0, "disk full: the server stops cleanly")
    srv, why = start()
    if srv is None:
        t.ok("full" in why or "No space" in why, "disk full: a restart refuses with a message (%s)" % why)
    else:
        t.ok(True, "disk full: the server restarts")
        log_keeps("disk full, restarted")
        s, _, body, _ = post(srv.port, refused[0])
        t.ok(s == 507 and code_of(body) == "store_full",
             "disk full, restarted: a submission still fails with 507 store_full (%s)" % s)
        t.eq(srv.stop(), 0, "disk full, restarted: the server stops cleanly")

    # ---- space returns ----
    os.unlink(filler)
    srv, why = start()
    t.ok(srv is not None, "space back: the server starts (%s)" % why)
    b = pool.pop(0)
    s, _, body, dt = post(srv.port, b)
    t.ok(ledger.take(b, s, body) and dt <= LIMIT,
         "space back: a legitimate ballot is taken in %.2f s (limit %.1f s)" % (dt, LIMIT))
    again = [post(srv.port, b) for b in refused]
    t.ok(all(r[0] == 200 for r in again), "space back: the refused ballots are taken when sent again (%s)"
         % [r[0] for r in again])
    for b, r in zip(refused, again):
        ledger.take(b, r[0], r[2])
    log_keeps("space back")

    # ---- full while running, then space back without a restart ----
    fill()
    b = pool.pop(0)
    s, _, body, _ = post(srv.port, b)
    t.ok(s == 507 and code_of(body) == "store_full", "full again: 507 store_full (%s)" % s)
    os.unlink(filler)
    s, _, body, dt = post(srv.port, b)
    t.ok(ledger.take(b, s, body) and dt <= LIMIT,
         "space back without a restart: the ballot is taken in %.2f s (%s)" % (dt, s))
    b = pool.pop(0)
    s, _, body, dt = post(srv.port, b)
    t.ok(ledger.take(b, s, body) and dt <= LIMIT,
         "space back without a restart: a new ballot is taken in %.2f s" % dt)
    log_keeps("space back without a restart")
    r = subprocess.run(["sqlite3", os.path.join(disk, "chain.sqlite"), "PRAGMA integrity_check"],
                       capture_output=True, text=True) if shutil.which("sqlite3") else None
    if r is not None:
        t.eq(r.stdout.strip(), "ok", "the database passes PRAGMA integrity_check")
    t.eq(srv.stop(), 0, "the server stops cleanly at the end")
    srv, why = start()
    t.ok(srv is not None, "and starts again (%s)" % why)
    if srv is not None:
        log_keeps("restarted at the end")
        t.eq(srv.stop(), 0, "and stops")
finally:
    if srv is not None and srv.proc.poll() is None:
        srv.kill9()
    subprocess.run(["umount", disk])
    el.cleanup()
t.done()
