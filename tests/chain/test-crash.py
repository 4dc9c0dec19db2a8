#!/usr/bin/env python3
# Crash safety: rounds of kill -9 at random moments under concurrent
# submissions. After every restart each ballot that got a receipt is at its
# index, the tree matches every checkpoint ever signed (as seen in receipts
# and on /checkpoint), identical resubmissions get identical receipts, and
# nothing beyond the signed checkpoint (nothing half-written) is served.
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chainharness import Election, Server, Tap, pki_dir, parse_checkpoint, leaf_hash, Roots, tool, write

ROUNDS = int(os.environ.get("IPPYO_CRASH_ROUNDS", "20"))
PER_ROUND = 12
THREADS = 4

t = Tap()
pki = pki_dir()
el = Election(pki)
voters = ["voter-%03d" % i for i in range(1, 10)]
pool = el.ballots(voters, ROUNDS * PER_ROUND)
pending = list(pool)          # ballots without a receipt yet
receipts = {}                 # ballot bytes -> (index, response body)
checkpoints = {}              # size -> root, every checkpoint seen
lock = threading.Lock()
rng = random.Random(int(os.environ.get("IPPYO_CRASH_SEED", str(time.time_ns()))))
problems = []


def note_of_receipt(text):
    # c2sp.org/tlog-proof@v1: header lines, a blank line, then the checkpoint note
    return text.split("\n\n", 1)[1].encode()


def remember_checkpoint(note):
    origin, size, root = parse_checkpoint(note)
    with lock:
        old = checkpoints.get(size)
        if old is not None and old != root:
            problems.append("two checkpoints of size %d with different roots" % size)
        checkpoints[size] = root


def submitter(srv, batch):
    for b in batch:
        try:
            s, h, body = srv.post("/v1/ballots", b)
        except Exception:
            return   # the server died under us
        if s != 200:
            continue
        r = json.loads(body)
        remember_checkpoint(note_of_receipt(r["receipt"]))
        with lock:
            if b in receipts and receipts[b][1] != body:
                problems.append("a resubmission got a different receipt")
            receipts[b] = (r["index"], body)


def check_log(srv, round_no):
    """Everything that must hold after a restart."""
    ok = True
    note = srv.checkpoint()
    write(el.path("cp"), note)
    r = tool("checkpoint", el.dir, el.path("cp"), check=False)
    if r.returncode != 0:
        print("# checkpoint does not verify: %s" % r.stderr)
        ok = False
    remember_checkpoint(note)
    size = parse_checkpoint(note)[1]
    entries = srv.entries(0, size)
    # nothing beyond the signed checkpoint is served
    s, _, _ = srv.get("/v1/entries?start=%d&end=%d" % (size, size + 1))
    if s != 400:
        print("# an entry beyond the checkpoint is served")
        ok = False
    known = set(pool)
    if len(set(entries)) != len(entries):
        print("# an entry appears twice")
        ok = False
    for i, e in enumerate(entries[1:], 1):
        if e not in known:
            print("# entry %d is not a submitted ballot" % i)
            ok = False
    with lock:
        for b, (idx, body) in receipts.items():
            if idx >= size or entries[idx] != b:
                print("# a receipted ballot is not at its index %d" % idx)
                ok = False
        cps = dict(checkpoints)
    roots = Roots([leaf_hash(e) for e in entries])
    for csize, root in sorted(cps.items()):
        if csize > size:
            print("# a checkpoint of size %d was signed, the log has %d" % (csize, size))
            ok = False
        elif roots.root(csize) != root:
            print("# the tree does not match the checkpoint of size %d" % csize)
            ok = False
    # an identical resubmission of a receipted ballot: the identical receipt
    with lock:
        some = list(receipts.items())
    if some:
        b, (idx, body) = rng.choice(some)
        s, h, body2 = srv.post("/v1/ballots", b)
        if s != 200 or body2 != body:
            print("# resubmission after restart: %d, same=%s" % (s, body2 == body))
            ok = False
    return ok


srv = None
start = time.time()
try:
    for round_no in range(ROUNDS):
        srv = Server(el)
        if round_no > 0:
            t.ok(check_log(srv, round_no), "round %d: after kill -9 and restart the log is whole" % round_no)
        with lock:
            batch = pending[:PER_ROUND * 2]
        rng.shuffle(batch)
        threads = []
        for k in range(THREADS):
            th = threading.Thread(target=submitter, args=(srv, batch[k::THREADS]))
            th.start()
            threads.append(th)
        time.sleep(rng.uniform(0.005, 0.3))
        srv.kill9()
        for th in threads:
            th.join()
        with lock:
            pending = [b for b in pending if b not in receipts]
    srv = Server(el)
    t.ok(check_log(srv, ROUNDS), "after the last round the log is whole")
    # finish the remaining ballots and stop cleanly
    submitter(srv, pending)
    t.ok(check_log(srv, ROUNDS + 1), "the remaining ballots are accepted")
    t.eq(srv.stop(), 0, "SIGTERM: exit 0")
    t.ok(not problems, "no conflicting checkpoints or receipts: %s" % "; ".join(problems[:3]))
    t.ok(len(receipts) == len(pool), "every ballot got a receipt (%d of %d)" % (len(receipts), len(pool)))
    print("# %d rounds, %d receipts, %d checkpoints, %.1f s" % (ROUNDS, len(receipts), len(checkpoints),
                                                                   time.time() - start))
finally:
    if srv is not None and srv.proc.poll() is None:
        srv.proc.kill()
    el.cleanup()
t.done()
