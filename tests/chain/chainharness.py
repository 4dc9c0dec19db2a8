# Shared harness of the chain suite's Python tests: the test PKI, elections,
# the server process, HTTP, TAP output. Python 3 standard library only.
import base64
import fcntl
import hashlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SOURCE = os.environ.get("IPPYO_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("IPPYO_BUILD_DIR") or os.getcwd()
CHAIND = os.path.join(BUILD, "chain", "ippyo-chaind")
TOOL = os.path.join(BUILD, "tests", "chain", "chain-testtool")
MAKE_PKI = os.path.join(SOURCE, "tests", "vcard", "make-test-pki")

# The helper tool is a test utility: its leaks are not the server's.
TOOL_ENV = dict(os.environ)
TOOL_ENV["ASAN_OPTIONS"] = "detect_leaks=0"


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, name), flush=True)
        return cond

    def eq(self, got, want, name):
        if got != want:
            print("# %s: got %r, want %r" % (name, got, want), flush=True)
        return self.ok(got == want, name)

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


def pki_dir():
    """The test JPKI, made once per build dir (and again after a day: the CRL ages)."""
    d = os.path.join(BUILD, "tests", "chain", "pki")
    os.makedirs(os.path.dirname(d), exist_ok=True)
    with open(d + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = os.path.join(d, "cards", "voter-001", "auth.crt")
        if not os.path.exists(stamp) or time.time() - os.path.getmtime(stamp) > 86400:
            subprocess.run(["sh", MAKE_PKI, d], check=True, stdout=subprocess.DEVNULL)
    return d


def tool(*args, check=True):
    r = subprocess.run([TOOL] + [str(a) for a in args], env=TOOL_ENV, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("chain-testtool %s: %s" % (args[0], r.stderr))
    return r


def card(pki, name):
    return os.path.join(pki, "cards", name)


class Election:
    """A setup dir: keys, manifest entry, roll, config."""

    def __init__(self, pki, options=3, poll_opens=None, witnesses=None, quorum=None):
        self.pki = pki
        self.dir = tempfile.mkdtemp(prefix="ippyo-chain-")
        args = ["setup", "--pki", pki, "--out", self.dir, "--options", options]
        if poll_opens:
            args += ["--poll-opens", poll_opens]
        if witnesses:
            args += ["--witnesses", ",".join("%s=http://127.0.0.1:1/%s" % (w, w) for w in witnesses)]
        if quorum is not None:
            args += ["--quorum", quorum]
        tool(*args)
        self.n = 0

    def path(self, name):
        return os.path.join(self.dir, name)

    def ballot(self, cardname, choice=0, voter=None, mutate=None, bad_signature=False):
        self.n += 1
        out = self.path("ballot-%d" % self.n)
        args = ["ballot", "--dir", self.dir, "--card", card(self.pki, cardname), "--choice", choice,
                "--out", out]
        if voter:
            args += ["--voter", card(self.pki, voter)]
        if mutate:
            args += ["--mutate", mutate]
        if bad_signature:
            args += ["--bad-signature"]
        tool(*args)
        return read(out)

    def ballots(self, cardnames, count):
        out = self.path("many")
        tool("ballot", "--dir", self.dir, "--card", ",".join(card(self.pki, c) for c in cardnames),
             "--count", count, "--out", out)
        return [read("%s.%d" % (out, i)) for i in range(count)]

    def close_entry(self, log_size=1, bad_signature=False, election_id=None):
        self.n += 1
        out = self.path("close-%d" % self.n)
        args = ["close", "--dir", self.dir, "--log-size", log_size, "--out", out]
        if bad_signature:
            args += ["--bad-signature"]
        if election_id:
            args += ["--election-id", election_id]
        tool(*args)
        return read(out)

    def set_config(self, old, new):
        p = self.path("chaind.conf")
        with open(p) as f:
            text = f.read()
        assert old in text, old
        with open(p, "w") as f:
            f.write(text.replace(old, new))

    def verify_receipt(self, entry, response_body):
        e = self.path("v-entry")
        r = self.path("v-resp")
        write(e, entry)
        write(r, response_body)
        return tool("verify-receipt", self.dir, e, r, check=False)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


class Server:
    """ippyo-chaind on a free loopback port, in the election's dir."""

    def __init__(self, election, config="chaind.conf", expect_start=True):
        self.el = election
        pf = election.path("port.txt")
        if os.path.exists(pf):
            os.unlink(pf)
        self.log = open(election.path("chaind.log"), "ab")
        self.proc = subprocess.Popen([CHAIND, "--config", config], cwd=election.dir,
                                     stdout=self.log, stderr=self.log)
        self.port = None
        if not expect_start:
            return
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.exists(pf):
                with open(pf) as f:
                    t = f.read()
                if t.endswith("\n"):
                    self.port = int(t)
                    return
            if self.proc.poll() is not None:
                raise RuntimeError("ippyo-chaind exited with %d: %s" % (self.proc.returncode, self.logtext()))
            time.sleep(0.01)
        raise RuntimeError("ippyo-chaind did not start")

    def logtext(self):
        if not self.log.closed:
            self.log.flush()
        return read(self.el.path("chaind.log")).decode(errors="replace")

    def wait_exit(self, timeout=30):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def stop(self):
        """SIGTERM: the server drains and exits 0."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        rc = self.wait_exit()
        self.log.close()
        if rc != 0:
            for line in self.logtext()[-4000:].splitlines():
                print("# chaind: " + line, flush=True)
        return rc

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
        finally:
            c.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body):
        return self.request("POST", path, body, {"Content-Type": "application/json"})

    def status(self):
        s, _, b = self.get("/v1/status")
        assert s == 200, (s, b)
        return json.loads(b)

    def checkpoint(self):
        s, _, b = self.get("/checkpoint")
        assert s == 200, (s, b)
        return b

    def entries(self, start, end):
        out = []
        while start < end:
            e = min(end, start + 256)
            s, _, b = self.get("/v1/entries?start=%d&end=%d" % (start, e))
            assert s == 200, (s, b)
            out += split_bundle(b)
            start = e
        return out


def split_bundle(b):
    out = []
    i = 0
    while i < len(b):
        n = int.from_bytes(b[i:i + 2], "big")
        out.append(b[i + 2:i + 2 + n])
        i += 2 + n
    return out


def parse_checkpoint(note):
    """origin, size, root bytes of a checkpoint note (its signature is checked by the tool)."""
    lines = note.decode().split("\n")
    return lines[0], int(lines[1]), base64.b64decode(lines[2])


def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def mth(leaves):
    """RFC 9162 MTH over leaf hashes."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


class Roots:
    """Roots of every prefix of a list of leaves, incrementally (compact ranges)."""

    def __init__(self, leaves):
        self.leaves = leaves

    def root(self, size):
        # fold the perfect subtrees of size, largest first
        stack = []
        i = 0
        for bit in reversed(range(64)):
            w = 1 << bit
            if size & w:
                stack.append(self._perfect(i, w))
                i += w
        if not stack:
            return hashlib.sha256(b"").digest()
        h = stack.pop()
        while stack:
            h = hashlib.sha256(b"\x01" + stack.pop() + h).digest()
        return h

    def _perfect(self, lo, w):
        level = self.leaves[lo:lo + w]
        while len(level) > 1:
            level = [hashlib.sha256(b"\x01" + level[j] + level[j + 1]).digest() for j in range(0, len(level), 2)]
        return level[0]


class Witness:
    """The tests' minimal tlog-witness (chain-testtool witness)."""

    def __init__(self, election, name, refuse=False):
        self.pf = election.path("witness-%s.port" % name)
        if os.path.exists(self.pf):
            os.unlink(self.pf)
        args = [TOOL, "witness", election.dir, election.path("witness-%s.key" % name), self.pf]
        if refuse:
            args.append("refuse")
        self.proc = subprocess.Popen(args, env=TOOL_ENV)
        deadline = time.time() + 30
        while time.time() < deadline:
            if os.path.exists(self.pf):
                with open(self.pf) as f:
                    t = f.read()
                if t.endswith("\n"):
                    self.port = int(t)
                    self.url = "http://127.0.0.1:%d/" % self.port
                    return
            time.sleep(0.01)
        raise RuntimeError("witness did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
