# Shared helpers of suite "e2e" (Python 3 standard library only): TAP output,
# the programs of the build directory, an election set up with ippyo-tally,
# ippyo-chaind and one witness on loopback, voters with ippyo-vote.
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SOURCE = os.environ.get("IPPYO_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("IPPYO_BUILD_DIR") or os.path.join(SOURCE, "build")
TALLY = os.path.join(BUILD, "tally", "ippyo-tally")
CHAIND = os.path.join(BUILD, "chain", "ippyo-chaind")
VOTE = os.path.join(BUILD, "client", "ippyo-vote")
DEMO = os.path.join(SOURCE, "demo", "election-demo")
TMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None

R0 = "Virtual PCD 00 00"
R1 = "Virtual PCD 00 01"

CONTESTS = [("mayor", ["tanaka", "sato", "suzuki", "takahashi"]),
            ("council", ["ito", "watanabe", "yamamoto", "nakamura", "kobayashi"])]


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None):
        self.n += 1
        if not cond:
            self.failed += 1
            if detail:
                for line in str(detail).splitlines():
                    print("# " + line)
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, name), flush=True)
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, "got %r, want %r" % (got, want))

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


def run(args, input=None, env=None, timeout=240):
    return subprocess.run([str(a) for a in args], input=input, env=env, capture_output=True,
                          text=True, timeout=timeout)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_line(path, proc, seconds=60):
    """Waits until PATH holds a full line (a port file); fails if PROC ends first."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                t = f.read()
            if t.endswith("\n"):
                return t.strip()
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %d" % (proc.args[0], proc.returncode))
        time.sleep(0.02)
    raise RuntimeError("%s did not start" % proc.args[0])


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def tally(*args):
    r = run([TALLY] + list(args))
    if r.returncode != 0:
        raise RuntimeError("ippyo-tally %s: exit %d\n%s%s" % (args[0], r.returncode, r.stdout, r.stderr))
    return r.stdout


def expected_totals(choices):
    """choices: {voter: [CONTEST=OPTION, ...]} of the ballots that count."""
    count = {}
    for sel in choices.values():
        for c in sel:
            count[c] = count.get(c, 0) + 1
    return [[count.get("%s=%s" % (c, o), 0) for o in opts] for c, opts in CONTESTS]


ELECTION_TOML = """
[election]
id = "%(id)s"
title_ja = "一票市 市長選挙・市議会議員選挙（試験）"
title_en = "Ippyo City mayoral and council elections (test)"
[poll]
opens = "%(opens)s"
closes = "%(closes)s"
[trustees]
n = 3
t = 2
[chain]
origin = "%(origin)s"
url = "%(url)s"
vkey_file = "chain.vkey"
[officials]
public_key_file = "officials/officials.pub"
[jpki]
ca_files = ["pki/ca/auth-ca.crt"]
[roll]
certificate_files = [%(roll)s]
"""


def contests_toml():
    out = []
    for c, opts in CONTESTS:
        out.append('[[contest]]\nid = "%s"\ntitle_ja = "%s"\ntitle_en = "%s"\nmin = 0\nmax = %d\n'
                   % (c, c, c, 1 if c == "mayor" else 2))
        for o in opts:
            out.append('[[contest.option]]\nid = "%s"\ntitle_ja = "%s"\ntitle_en = "%s"\n' % (o, o, o))
    return "\n".join(out)


class Election:
    """keys, manifest (2-of-3 ceremony), witness and ippyo-chaind in one folder."""

    def __init__(self, pki, roll, eid="2027-ippyo-e2e"):
        self.dir = tempfile.mkdtemp(prefix="ippyo-e2e-", dir=TMP)
        self.pki = pki
        self.id = eid
        self.origin = "vote.example.jp/" + eid
        self.port = free_port()
        self.url = "http://127.0.0.1:%d/" % self.port
        self.chaind = None
        self.witness = None
        os.symlink(pki, self.path("pki"))
        tally("keygen", "--officials", self.path("officials"), "-q")
        tally("keygen", "--chain", self.origin, self.dir, "-q")
        tally("keygen", "--witness", "witness.e2e.example", self.path("witness"), "-q")
        now = time.time()
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        toml = ELECTION_TOML % {
            "id": eid, "origin": self.origin, "url": self.url,
            "opens": time.strftime(fmt, time.gmtime(now - 3600)),
            "closes": time.strftime(fmt, time.gmtime(now + 7 * 86400)),
            "roll": ", ".join('"pki/cards/%s/auth.crt"' % c for c in roll),
        } + contests_toml()
        with open(self.path("election.toml"), "w") as f:
            f.write(toml)
        tally("init", self.path("election.toml"), "--out", self.path("election"), "-q")
        tally("ceremony", "--all-local", "--draft", self.path("election", "manifest-draft.json"),
              "--out", self.path("ceremony"), "-q")
        seal = json.loads(tally("seal", "--draft", self.path("election", "manifest-draft.json"),
                                "--ceremony", self.path("ceremony"), "--officials-key",
                                self.path("officials", "officials.key"), "--out",
                                self.path("entry0.json"), "--json", "-q"))
        self.election_hash = seal["election_hash"]
        shutil.copy(self.path("election", "roll.txt"), self.path("roll.txt"))
        with open(self.path("election.json"), "w") as f:
            json.dump({"chain_url": self.url, "chain_vkey": self.read("chain.vkey"),
                       "officials_key": self.read("officials", "officials.pub"),
                       "roll": "roll.txt", "version": 1}, f)
        with open(self.path("policy"), "w") as f:
            f.write("log %s %s\nwitness w1 %s\nquorum w1\n" % (
                self.read("chain.vkey"), self.url, self.read("witness", "witness.vkey")))

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def read(self, *parts):
        with open(self.path(*parts)) as f:
            return f.read().strip()

    def start_witness(self):
        pf = self.path("witness", "port")
        if os.path.exists(pf):
            os.unlink(pf)
        log = open(self.path("witness", "log"), "ab")
        self.witness = subprocess.Popen(
            [TALLY, "witness", "--key", self.path("witness", "witness.key"), "--log-vkey",
             self.path("chain.vkey"), "--state", self.path("witness", "state"), "--listen",
             "127.0.0.1:0", "--port-file", pf, "-q"], stdout=log, stderr=log)
        wport = wait_line(pf, self.witness)
        with open(self.path("chaind.conf"), "w") as f:
            f.write("[election]\nmanifest = entry0.json\nsigning-key = chain.key\n"
                    "[jpki]\nca = pki/ca/auth-ca.crt\ncrl = pki/ca/auth.crl\nroll = roll.txt\n"
                    "[server]\naddress = 127.0.0.1\nport = %d\ndatabase = chain.sqlite\n"
                    "port-file = chaind.port\n"
                    "[witnesses]\nquorum = 1\n"
                    "[witness witness.e2e.example]\nvkey = %s\nurl = http://127.0.0.1:%s/\n"
                    % (self.port, self.read("witness", "witness.vkey"), wport))

    def start_chain(self):
        pf = self.path("chaind.port")
        if os.path.exists(pf):
            os.unlink(pf)
        log = open(self.path("chaind.log"), "ab")
        self.chaind = subprocess.Popen([CHAIND, "--config", self.path("chaind.conf")],
                                       stdout=log, stderr=log)
        wait_line(pf, self.chaind)

    def kill_chain(self):
        """SIGKILL: no drain, no goodbye."""
        self.chaind.send_signal(signal.SIGKILL)
        self.chaind.wait()
        self.chaind = None

    def stop(self):
        for p in (self.chaind, self.witness):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.chaind = self.witness = None

    def status(self):
        return get_json(self.url + "v1/status")

    def side(self):
        return ["--roll", self.path("roll.txt"), "--ca", self.path("pki", "ca", "auth-ca.crt"),
                "--crl", self.path("pki", "ca", "auth.crl"), "--policy", self.path("policy"),
                "--election-hash", self.election_hash]

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Voter:
    """ippyo-vote with its own data folder (XDG_DATA_HOME): its receipts."""

    def __init__(self, el, card):
        self.el = el
        self.card = card
        self.home = el.path("voters", card)
        os.makedirs(self.home, exist_ok=True)
        self.env = dict(os.environ, XDG_DATA_HOME=self.home, LANGUAGE="en", LC_ALL="C.UTF-8")
        self.receipts = []

    def pin(self):
        with open(os.path.join(self.el.pki, "cards", self.card, "pin")) as f:
            return f.readline()

    def run(self, *args, pin=None):
        r = run([VOTE] + list(args) + ["--json"], input=pin, env=self.env)
        try:
            doc = json.loads(r.stdout)
        except ValueError:
            doc = None
        return r.returncode, doc, r

    def vote(self, reader, choices, target=None):
        args = ["vote", target or self.el.path("election.json"), "--pin-stdin", "--reader", reader]
        for c in choices:
            args += ["--choice", c]
        rc, doc, r = self.run(*args, pin=self.pin())
        if rc == 0 and doc:
            self.receipts.append(doc["receipt"])
        return rc, doc, r

    def check(self, receipt):
        return self.run("check", receipt)
