#!/usr/bin/env python3
# The observer's side over real HTTP: ippyo-chaind on loopback, ballots and a
# re-vote posted, the poll closed, then `ippyo-tally verify URL` mirrors the
# chain (common/net) and verifies it, incrementally on a second run, and
# `aggregate` counts the last ballot of each voter.
import json
import os
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chain"))
from chainharness import BUILD, Election, Server, Tap, pki_dir  # noqa: E402

TALLY = os.path.join(BUILD, "tally", "ippyo-tally")

t = Tap()
pki = pki_dir()
el = Election(pki)
srv = Server(el)
work = tempfile.mkdtemp(prefix="ippyo-observer-")
mirror = os.path.join(work, "mirror")
state = os.path.join(work, "state.json")
side = ["--roll", el.path("roll.txt"), "--ca", os.path.join(pki, "ca", "auth-ca.crt"),
        "--crl", os.path.join(pki, "ca", "auth.crl")]


def tally(*args):
    return subprocess.run([TALLY] + list(args), capture_output=True, text=True)


def verify(*extra):
    r = tally("verify", "http://127.0.0.1:%d/" % srv.port, "--mirror", mirror, "--state", state,
              "--json", "--quiet", *(side + list(extra)))
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        rep = None
        print("# " + r.stderr.replace("\n", "\n# "))
    return r.returncode, rep


try:
    for v in ["voter-001", "voter-002", "voter-003"]:
        s, _, b = srv.post("/v1/ballots", el.ballot(v, choice=0))
        t.eq(s, 200, "ballot of %s accepted" % v)
    rc, rep = verify()
    t.eq(rc, 0, "verify URL: the mirrored chain verifies")
    t.ok(rep is not None and rep["ok"] and rep["ballots_checked"] == 3 and rep["first_checked"] == 0,
         "three ballots checked from entry 0")
    first_size = rep["size"] if rep else 0

    s, _, b = srv.post("/v1/ballots", el.ballot("voter-002", choice=1))
    t.eq(s, 200, "a re-vote is accepted")
    s, _, b = srv.post("/v1/ballots", el.ballot("voter-004", choice=2))
    t.eq(s, 200, "another voter")
    s, _, b = srv.post("/v1/close", el.close_entry(log_size=first_size + 2))
    t.eq(s, 200, "the poll is closed")

    rc, rep = verify()
    t.eq(rc, 0, "second run verifies")
    t.ok(rep is not None and rep["first_checked"] == first_size and rep["ballots_checked"] == 2,
         "the second run checks only the new entries")
    t.ok(rep is not None and rep["closed"] and rep["counted"] == 4,
         "closed; four voters counted (the re-vote supersedes)")

    r = tally("aggregate", mirror, "--quiet", *side)
    agg = json.loads(r.stdout) if r.returncode == 0 else None
    t.ok(agg is not None and agg["counted"] == 4 and len(agg["totals"][0]) == 3,
         "aggregate of the mirror: four counted ballots, one total per option")

    # The mirror altered on disk: the last entry (the close entry) loses a byte's value.
    pdir = os.path.join(mirror, "tile", "entries", "000.p")
    bundle = os.path.join(pdir, os.listdir(pdir)[0])
    with open(bundle, "rb") as f:
        data = bytearray(f.read())
    data[-3] ^= 0x01
    with open(bundle, "wb") as f:
        f.write(data)
    r = tally("verify", mirror, "--json", "--quiet", *side)
    rep = json.loads(r.stdout) if r.stdout else None
    last = rep["size"] - 1 if rep else -1
    t.ok(r.returncode == 3 and rep is not None and
         any(x["rule"] == "tree.leaf" and x["entry"] == last for x in rep["failures"]),
         "an entry altered in the mirror is named (tree.leaf), exit 3")
finally:
    srv.stop()
    el.cleanup()
    shutil.rmtree(work, ignore_errors=True)
t.done()
