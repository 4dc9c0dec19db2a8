# Shared harness of the client suite: the chain suite's harness (test PKI,
# elections, ippyo-chaind) plus ippyo-vote, run inside with-card-services.
import json
import os
import socket
import subprocess
import sys
import tempfile

SOURCE = os.environ.get("IPPYO_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "chain"))
import chainharness as ch  # noqa: E402

BUILD = ch.BUILD
VOTE = os.path.join(BUILD, "client", "ippyo-vote")
Tap = ch.Tap


def pki():
    """The card services' PKI: the virtual cards hold its certificates."""
    return os.environ["IPPYO_TEST_PKI"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Chain:
    """An election and its ippyo-chaind on a fixed loopback port (restartable)."""

    def __init__(self, **kw):
        self.el = ch.Election(pki(), **kw)
        self.port = free_port()
        self.el.set_config("port = 0", "port = %d" % self.port)
        self.url = "http://127.0.0.1:%d/" % self.port
        self.server = None

    def start(self):
        self.server = ch.Server(self.el)
        return self

    def stop(self):
        if self.server is not None:
            self.server.stop()
            self.server = None

    def rebuild(self):
        """Same keys and manifest, new database: another history (a fork)."""
        self.stop()
        for f in os.listdir(self.el.dir):
            if f.startswith("chain.sqlite"):
                os.unlink(self.el.path(f))
        return self.start()

    def manifest_json(self):
        e0 = json.loads(ch.read(self.el.path("entry0.json")))
        return e0["manifest"]

    def election_file(self, roll=True, officials_key=None, vkey=None):
        m = self.manifest_json()
        with open(self.el.path("chain.vkey")) as f:
            doc = {"chain_url": self.url, "chain_vkey": vkey or f.read().strip(),
                   "officials_key": officials_key or m["officials_key"], "version": 1}
        if roll:
            doc["roll"] = "roll.txt"
        p = self.el.path("election.json")
        with open(p, "w") as f:
            json.dump(doc, f)
        return p

    def size(self):
        return self.server.status()["size"]

    def close_poll(self):
        entry = self.el.close_entry(log_size=self.size())
        s, _, b = self.server.post("/v1/close", entry)
        assert s == 200, (s, b)

    def cleanup(self):
        self.stop()
        self.el.cleanup()


class Voter:
    """ippyo-vote with its own data folder (XDG_DATA_HOME) and card services env."""

    def __init__(self, home=None):
        self.home = home or tempfile.mkdtemp(prefix="ippyo-voter-")
        self.env = dict(os.environ)
        self.env["XDG_DATA_HOME"] = self.home
        self.env["LANGUAGE"] = "en"
        self.env["LC_ALL"] = "C.UTF-8"

    def run(self, *args, pin=None, env=None, timeout=120):
        e = dict(self.env)
        if env:
            e.update(env)
        r = subprocess.run([VOTE] + [str(a) for a in args], input=pin, env=e,
                           capture_output=True, text=True, timeout=timeout)
        return r

    def json(self, *args, **kw):
        r = self.run(*(list(args) + ["--json"]), **kw)
        try:
            doc = json.loads(r.stdout) if r.stdout.strip() else None
        except ValueError:
            doc = None
        if doc is None:
            print("# ippyo-vote %s: rc %d\n# stdout: %s\n# stderr: %s" %
                  (" ".join(map(str, args)), r.returncode, r.stdout, r.stderr), flush=True)
        return r.returncode, doc, r

    def folder(self, election_id="2027-test-mayor"):
        return os.path.join(self.home, "ippyo", election_id)


def card_pin(name):
    with open(os.path.join(pki(), "cards", name, "pin")) as f:
        return f.read().strip()
