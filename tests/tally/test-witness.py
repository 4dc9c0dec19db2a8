#!/usr/bin/env python3
"""ippyo-tally witness, a C2SP tlog-witness: cosigns consistent checkpoints, refuses
one that does not extend the one it cosigned (400/403/404/409/422 as the spec says),
survives SIGKILL before and after its state update without cosigning a fork, and
serves a real ippyo-chaind as its witness quorum."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from tallyharness import (BUILD, CHAIND, Failure, check, make_election_files, sample_toml, tally,
                          tap, testtool)

FAULTY = os.path.join(BUILD, "tests", "tally", "ippyo-tally-faulty")
ORIGIN = "log.example/witness-test"


class Witness:
    def __init__(self, work, binary=None, crash=None, extra_vkeys=()):
        self.work = work
        port_file = os.path.join(work, "witness.port")
        if os.path.exists(port_file):
            os.remove(port_file)
        env = dict(os.environ)
        env.pop("IPPYO_WITNESS_CRASH", None)
        if crash:
            env["IPPYO_WITNESS_CRASH"] = crash
        args = [binary or os.path.join(BUILD, "tally", "ippyo-tally"), "witness",
                "--key", work + "/w/witness.key", "--log-vkey", work + "/log/chain.vkey",
                "--state", work + "/witness.state", "--listen", "127.0.0.1:0",
                "--port-file", port_file]
        for v in extra_vkeys:
            args += ["--log-vkey", v]
        self.proc = subprocess.Popen(args, stderr=open(work + "/witness.log", "a"), env=env)
        for _ in range(200):
            if os.path.exists(port_file):
                with open(port_file) as f:
                    t = f.read()
                if t.endswith("\n"):
                    self.port = int(t)
                    return
            if self.proc.poll() is not None:
                raise Failure("the witness exited: %s" % open(work + "/witness.log").read())
            time.sleep(0.05)
        raise Failure("the witness did not start")

    def url(self):
        return "http://127.0.0.1:%d/" % self.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)


def post(w, body, path="add-checkpoint"):
    req = urllib.request.Request(w.url() + path, data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


def request(work, old, size, fork=0, key="/log/chain.key"):
    out, _ = testtool("witness-request", work + key, str(old), str(size), str(fork))
    return out.encode()


def checkpoint_of(body):
    i = body.index(b"\n\n")
    return body[i + 2:]


def check_cosigned(work, body, resp):
    with open(work + "/note", "wb") as f:
        f.write(checkpoint_of(body))
    with open(work + "/line", "wb") as f:
        f.write(resp)
    check(resp.startswith("— witness.example/w1 ".encode()) and resp.endswith(b"\n"), resp)
    testtool("cosignature", work + "/w/witness.vkey", work + "/note", work + "/line")


def state(work):
    with open(work + "/witness.state") as f:
        lines = f.read().splitlines()
    check(lines[0] == "ippyo-witness-state v1", str(lines))
    return {l.split()[0]: int(l.split()[1]) for l in lines[1:]}


def keys(work):
    tally("keygen", "--witness", "witness.example/w1", work + "/w", "-q")
    tally("keygen", "--chain", ORIGIN, work + "/log", "-q")


def expect(w, body, status, content=None, ctype=None):
    s, ct, resp = post(w, body)
    check(s == status, "status %d, expected %d: %r" % (s, status, resp))
    if content is not None:
        check(resp == content, "body %r, expected %r" % (resp, content))
    if ctype is not None:
        check(ct == ctype, "content type %r" % ct)
    return resp


def test_cosigns(work):
    keys(work)
    w = Witness(work)
    try:
        b = request(work, 0, 5)
        check_cosigned(work, b, expect(w, b, 200))
        check(state(work) == {ORIGIN: 5}, "state after the first checkpoint")
        b = request(work, 5, 9)
        check_cosigned(work, b, expect(w, b, 200))
        b = request(work, 9, 9)
        check_cosigned(work, b, expect(w, b, 200))
        check(state(work) == {ORIGIN: 9}, "state")
        # Any path prefix ending in /add-checkpoint (the chain POSTs to <url>/add-checkpoint).
        s, _, _ = post(w, request(work, 9, 10), "prefix/add-checkpoint")
        check(s == 200, "prefixed path")
        s, _, _ = post(w, b, "other")
        check(s == 404, "other paths are 404")
    finally:
        w.stop()
    # Restarted: it remembers.
    w = Witness(work)
    try:
        expect(w, request(work, 0, 12), 409, b"10\n", "text/x.tlog.size")
        check_cosigned(work, *(lambda b: (b, expect(w, b, 200)))(request(work, 10, 12)))
    finally:
        w.stop()


def test_refuses(work):
    keys(work)
    tally("keygen", "--chain", ORIGIN, work + "/impostor", "-q")
    tally("keygen", "--chain", "log.example/other", work + "/other", "-q")
    w = Witness(work)
    try:
        expect(w, request(work, 0, 8), 200)
        # Not the last cosigned size: 409 with that size.
        expect(w, request(work, 5, 12), 409, b"8\n", "text/x.tlog.size")
        expect(w, request(work, 0, 12), 409, b"8\n", "text/x.tlog.size")
        # A tree that does not extend the cosigned one (leaves rewritten from index 3).
        expect(w, request(work, 8, 12, fork=4), 422)
        # The same size with another root: a fork, 409.
        expect(w, request(work, 8, 8, fork=4), 409, b"8\n", "text/x.tlog.size")
        # old above the checkpoint size: 400.
        expect(w, request(work, 8, 7), 400)
        # Signed by another key with the log's name: 403; another log: 404.
        expect(w, request(work, 8, 12, key="/impostor/chain.key"), 403)
        expect(w, request(work, 8, 12, key="/other/chain.key"), 404)
        # Malformed requests: 400.
        good = request(work, 8, 12)
        for bad in (b"", b"old 08\n" + good[good.index(b"\n") + 1:],
                    good.replace(b"old 8\n", b"old 8 \n"),
                    good.replace(b"\n\n", b"\n", 1),
                    b"old 8\n" + b"A" * 43 + b"\n\n" + checkpoint_of(good)):
            expect(w, bad, 400)
        # A proof that does not verify: 422.
        lines = good.split(b"\n")
        lines[1] = b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        expect(w, b"\n".join(lines), 422)
        check(state(work) == {ORIGIN: 8}, "nothing refused changed the state")
        # And the honest extension is still cosigned.
        check_cosigned(work, good, expect(w, good, 200))
    finally:
        w.stop()


def test_crash(work):
    keys(work)
    w = Witness(work)
    try:
        expect(w, request(work, 0, 9), 200)
    finally:
        w.stop()
    # Killed after the checks, before the state update: nothing cosigned, nothing changed.
    w = Witness(work, FAULTY, "before-state")
    try:
        post(w, request(work, 9, 12))
        raise Failure("the faulty witness answered")
    except (urllib.error.URLError, ConnectionError, OSError):
        pass
    w.proc.wait(timeout=10)
    check(w.proc.returncode == -signal.SIGKILL, "killed before the state: %s" % w.proc.returncode)
    check(state(work) == {ORIGIN: 9}, "state unchanged")
    # Killed after the state update, before the answer: the state already holds 12,
    # so a fork of size 12 (or one extending 9 another way) is never cosigned.
    w = Witness(work, FAULTY, "after-state")
    try:
        post(w, request(work, 9, 12))
        raise Failure("the faulty witness answered")
    except (urllib.error.URLError, ConnectionError, OSError):
        pass
    w.proc.wait(timeout=10)
    check(w.proc.returncode == -signal.SIGKILL, "killed after the state")
    check(state(work) == {ORIGIN: 12}, "the state was on disk before the answer")
    w = Witness(work)
    try:
        expect(w, request(work, 9, 12, fork=11), 409, b"12\n", "text/x.tlog.size")
        expect(w, request(work, 12, 12, fork=11), 409, b"12\n")
        expect(w, request(work, 12, 14, fork=11), 422)
        b = request(work, 12, 12)
        check_cosigned(work, b, expect(w, b, 200))
        b = request(work, 12, 14)
        check_cosigned(work, b, expect(w, b, 200))
    finally:
        w.stop()
    # A damaged state file: the witness refuses to start.
    with open(work + "/witness.state", "a") as f:
        f.write("garbage\n")
    _, err = tally("witness", "--key", work + "/w/witness.key", "--log-vkey",
                   work + "/log/chain.vkey", "--state", work + "/witness.state",
                   "--listen", "127.0.0.1:0", expect=2)
    check("refusing to start" in err, err)


def test_chaind(work):
    """A real ippyo-chaind with this witness as its quorum."""
    if not os.path.exists(CHAIND):
        raise Failure("ippyo-chaind is not built")
    make_election_files(work)
    with open(work + "/election.toml", "w", encoding="utf-8") as f:
        f.write(sample_toml())
    tally("init", work + "/election.toml", "--out", work + "/e", "-q")
    tally("ceremony", "--all-local", "--draft", work + "/e/manifest-draft.json", "--out",
          work + "/c", "-q")
    tally("seal", "--draft", work + "/e/manifest-draft.json", "--ceremony", work + "/c",
          "--officials-key", work + "/keys/officials.key", "--out", work + "/e/entry0.json", "-q")
    tally("keygen", "--witness", "witness.example/w1", work + "/w", "-q")
    os.makedirs(work + "/log")
    os.symlink(work + "/keys/chain.vkey", work + "/log/chain.vkey")
    w = Witness(work)
    with open(work + "/w/witness.vkey") as f:
        wvkey = f.read().strip()
    with open(work + "/chaind.conf", "w") as f:
        f.write("[election]\nmanifest = e/entry0.json\nsigning-key = keys/chain.key\n"
                "[jpki]\nca = pki/ca/auth-ca.crt\nroll = e/roll.txt\n"
                "[server]\nport = 0\ndatabase = chain.sqlite\nport-file = chain.port\n"
                "[witnesses]\nquorum = 1\n"
                "[witness witness.example/w1]\nvkey = %s\nurl = %s\n" % (wvkey, w.url()))
    chain = subprocess.Popen([CHAIND, "--config", work + "/chaind.conf"],
                             stderr=open(work + "/chaind.log", "w"))
    try:
        for _ in range(200):
            if os.path.exists(work + "/chain.port"):
                with open(work + "/chain.port") as f:
                    t = f.read()
                if t.endswith("\n"):
                    break
            if chain.poll() is not None:
                raise Failure("chaind exited: " + open(work + "/chaind.log").read())
            time.sleep(0.05)
        url = "http://127.0.0.1:%d/" % int(t)
        out, _ = tally("close", url, "--manifest", work + "/e/entry0.json", "--officials-key",
                       work + "/keys/officials.key", "--json")
        check(json.loads(out)["index"] == 1, out)
        with urllib.request.urlopen(url + "checkpoint", timeout=10) as r:
            cp = r.read()
        check(b"\n2\n" in cp and "— witness.example/w1 ".encode() in cp,
              "the chain's checkpoint carries the witness's cosignature: %r" % cp)
        check(state(work) == {"vote.example.jp/2027-ippyo-sample": 2}, "witness state")
    finally:
        chain.send_signal(signal.SIGTERM)
        chain.wait(timeout=20)
        w.stop()


tap([
    ("cosigns consistent checkpoints, remembers across restarts", test_cosigns),
    ("refuses what does not extend the cosigned checkpoint", test_refuses),
    ("SIGKILL before and after the state update never leads to a fork", test_crash),
    ("interoperates with ippyo-chaind as its quorum", test_chaind),
])
