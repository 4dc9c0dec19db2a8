#!/usr/bin/env python3
# Split view: a client holding checkpoint N detects a server that serves a
# different history (its database rebuilt, the same signing key) through the
# consistency check, and keeps both signed checkpoints as evidence.
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chainharness import Election, Server, Tap, pki_dir, parse_checkpoint, tool, write

t = Tap()
pki = pki_dir()
el = Election(pki)
srv = None


def consistency(srv, held_note, name):
    """The client's check: the served checkpoint must extend the held one."""
    served = srv.checkpoint()
    write(el.path(name + "-held"), held_note)
    write(el.path(name + "-served"), served)
    n = parse_checkpoint(held_note)[1]
    m = parse_checkpoint(served)[1]
    if m < n:
        return None, served
    s, _, proof = srv.get("/v1/proof/consistency?first=%d&second=%d" % (n, m))
    assert s == 200, (s, proof)
    write(el.path(name + "-proof"), proof)
    return tool("consistency", el.dir, el.path(name + "-held"), el.path(name + "-served"),
                el.path(name + "-proof"), check=False), served


try:
    srv = Server(el)
    for v in ["voter-001", "voter-002", "voter-003"]:
        s, _, body = srv.post("/v1/ballots", el.ballot(v))
        assert s == 200, body
    held = srv.checkpoint()
    t.eq(parse_checkpoint(held)[1], 4, "the client holds checkpoint 4")
    t.eq(srv.stop(), 0, "stopped")

    # the honest log grows: consistent
    srv = Server(el)
    s, _, body = srv.post("/v1/ballots", el.ballot("voter-004"))
    r, served = consistency(srv, held, "honest")
    t.ok(r.returncode == 0 and r.stdout.startswith("consistent 4 -> 5"), "an honest log is consistent with it")
    t.eq(srv.stop(), 0, "stopped")

    # the operator rebuilds the database with other ballots, same key
    for f in glob.glob(el.path("chain.sqlite*")):
        os.rename(f, f + ".orig")
    srv = Server(el)
    for v in ["voter-005", "voter-006", "voter-007", "voter-008"]:
        s, _, body = srv.post("/v1/ballots", el.ballot(v))
        assert s == 200, body
    r, served = consistency(srv, held, "fork")
    t.eq(parse_checkpoint(served)[1], 5, "the rebuilt log serves a larger checkpoint, validly signed")
    t.ok(r.returncode == 1 and r.stdout.startswith("FORK"), "the consistency check detects the other history")
    t.ok(held.decode() in r.stdout and served.decode() in r.stdout, "both signed checkpoints are shown as evidence")
    for name in ["fork-held", "fork-served"]:
        c = tool("checkpoint", el.dir, el.path(name), check=False)
        t.ok(c.returncode == 0, "the evidence %s verifies under the chain key" % name)
    t.eq(srv.stop(), 0, "stopped")

    # a rebuilt log of exactly the held size: the roots differ
    for f in glob.glob(el.path("chain.sqlite")) + glob.glob(el.path("chain.sqlite-*")) + glob.glob(el.path("chain.sqlite.checkpoint")):
        os.unlink(f)
    srv = Server(el)
    for v in ["voter-009", "voter-001", "voter-002"]:
        s, _, body = srv.post("/v1/ballots", el.ballot(v))
        assert s == 200, body
    r, served = consistency(srv, held, "same-size")
    t.ok(parse_checkpoint(served)[1] == 4 and r.returncode == 1 and "FORK" in r.stdout,
         "a different history of the same size is detected")
    t.eq(srv.stop(), 0, "stopped")
finally:
    if srv is not None and srv.proc.poll() is None:
        srv.proc.kill()
    el.cleanup()
t.done()
