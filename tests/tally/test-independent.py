#!/usr/bin/env python3
# tests/tally/independent-verifier.py (a verifier written from docs/ alone) on a
# real record: ippyo-chaind on loopback with an ippyo-tally witness as its quorum,
# a 2-of-3 election made with ippyo-tally (two contests), the ceremony entry, eight
# ballots (one re-vote), the close, two partial decryptions and the result appended
# by `combine --url`, mirrored by `ippyo-tally verify URL --mirror`; the CA and CRL
# from GET /v1/jpki. Both verifiers must accept the mirror (with and without the
# witness policy); the independent one must refuse, naming the entry, a ballot entry
# with one byte flipped in its bundle (tree.leaf; and with the tree and checkpoint
# re-signed by the chain key: the ballot's own checks) and a result entry with one
# total changed, re-signed by the officials and the chain. Then differential runs:
# records rewritten and re-signed (and side files changed) so that rules break;
# ippyo-tally verify and the independent verifier must report the same
# (entry, rule) pairs and exit codes.
# Usage: test-independent.py [--keep DIR]
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "chain"))
from chainharness import BUILD, TOOL, TOOL_ENV, Server, Tap, pki_dir, split_bundle  # noqa: E402

TALLY = os.path.join(BUILD, "tally", "ippyo-tally")
VERIFIER = os.path.join(HERE, "independent-verifier.py")
ORIGIN = "vote.example.jp/2027-independent"

TOML = """[election]
id = "2027-independent"
title_ja = "独立検証"
title_en = "Independent check"
[poll]
opens = "%(opens)s"
closes = "%(closes)s"
[trustees]
n = 3
t = 2
[chain]
origin = "%(origin)s"
url = "http://127.0.0.1/"
vkey_file = "chain.vkey"
[officials]
public_key_file = "officials/officials.pub"
[jpki]
ca_files = ["pki/ca/auth-ca.crt"]
[roll]
certificate_files = [%(roll)s]
[[contest]]
id = "mayor"
title_ja = "市長"
title_en = "Mayor"
min = 1
max = 1
[[contest.option]]
id = "a"
title_ja = "a"
title_en = "A"
[[contest.option]]
id = "b"
title_ja = "b"
title_en = "B"
[[contest.option]]
id = "c"
title_ja = "c"
title_en = "C"
[[contest]]
id = "council"
title_ja = "議会"
title_en = "Council"
min = 0
max = 2
[[contest.option]]
id = "x"
title_ja = "x"
title_en = "X"
[[contest.option]]
id = "y"
title_ja = "y"
title_en = "Y"
[[contest.option]]
id = "z"
title_ja = "z"
title_en = "Z"
"""


class Dir:
    def __init__(self, d):
        self.dir = d

    def path(self, *parts):
        return os.path.join(self.dir, *parts)


def tally(*args):
    # verify runs with --threads 1: the answers are the same for any thread count
    # (verification.md), and one thread is the cheapest on this small record.
    return subprocess.run([TALLY] + list(args), capture_output=True, text=True)


def must(args):
    r = tally(*args)
    if r.returncode != 0:
        raise RuntimeError("ippyo-tally %s: exit %d: %s" % (args[0], r.returncode, r.stderr))
    return r


def b64(b):
    return base64.b64encode(b).decode()


def b64u(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def b64u_dec(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def transcript(tag, *els):
    out = len(tag).to_bytes(4, "big") + tag
    for e in els:
        out += len(e).to_bytes(4, "big") + e
    return out


def canon(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


# ---- a mirror rewritten and re-signed (the attacker holds the chain's key) ----

def tile_path(n):
    s = "%d" % n
    groups = []
    while True:
        groups.insert(0, n % 1000)
        n //= 1000
        if n == 0:
            break
    return "/".join(("x%03d" if i < len(groups) - 1 else "%03d") % g for i, g in enumerate(groups))


def read_entries(mirror, size):
    out = []
    for n in range((size + 255) // 256):
        w = min(256, size - 256 * n)
        p = os.path.join(mirror, "tile", "entries", tile_path(n) + ("" if w == 256 else ".p/%d" % w))
        with open(p, "rb") as f:
            out += split_bundle(f.read())
    return out


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def mth(hs):
    if len(hs) == 1:
        return hs[0]
    k = 1
    while k * 2 < len(hs):
        k *= 2
    return node(mth(hs[:k]), mth(hs[k:]))


def rewrite(mirror, entries, chain_key_file):
    """Writes the entry bundles, the hash tiles of every level (log.md §6) and a
    checkpoint signed by the chain key for these entries."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    size = len(entries)
    leaves = [hashlib.sha256(b"\x00" + e).digest() for e in entries]

    def put(kind, items, encode):
        for n in range((len(items) + 255) // 256):
            chunk = items[256 * n:256 * n + 256]
            path = os.path.join(mirror, "tile", kind, tile_path(n) + ("" if len(chunk) == 256 else
                                                                      ".p/%d" % len(chunk)))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(b"".join(encode(x) for x in chunk))
    put("entries", entries, lambda e: len(e).to_bytes(2, "big") + e)
    level, hs = 0, leaves
    while hs:
        put(str(level), hs, lambda h: h)
        hs = [mth(hs[256 * k:256 * k + 256]) for k in range(len(hs) // 256)]
        level += 1
    text = "%s\n%d\n%s\n" % (ORIGIN, size, b64(mth(leaves)))
    with open(chain_key_file) as f:
        skey = f.read().strip()
    parts = skey.split("+", 4)   # PRIVATE+KEY+<name>+<hex id>+<b64(type ‖ seed)>
    seed = base64.b64decode(parts[4])[1:]
    sig = Ed25519PrivateKey.from_private_bytes(seed).sign(text.encode())
    line = "\u2014 %s %s\n" % (parts[2], b64(bytes.fromhex(parts[3]) + sig))
    with open(os.path.join(mirror, "checkpoint"), "w", encoding="utf-8") as f:
        f.write(text + "\n" + line)


def officials_resign(entry_bytes, officials_key_file):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    obj = json.loads(entry_bytes)
    del obj["signature"]
    with open(officials_key_file) as f:
        seed = b64u_dec(f.read().strip())
    msg = transcript(b"ippyo/v1/officials-signature", obj["type"].encode(), canon(obj))
    obj["signature"] = b64u(Ed25519PrivateKey.from_private_bytes(seed).sign(msg))
    return canon(obj)


def main():
    keep = None
    if len(sys.argv) == 3 and sys.argv[1] == "--keep":
        keep = sys.argv[2]
    t = Tap()
    pki = pki_dir()
    live = Dir(tempfile.mkdtemp(prefix="ippyo-independent-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None))
    srv = None
    witness = None
    d = live.path
    try:
        os.symlink(pki, d("pki"))
        voters = ["voter-%03d" % i for i in range(1, 8)]
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        with open(d("election.toml"), "w") as f:
            f.write(TOML % {"opens": time.strftime(fmt, time.gmtime(time.time() - 3600)),
                            "closes": time.strftime(fmt, time.gmtime(time.time() + 86400)),
                            "origin": ORIGIN,
                            "roll": ", ".join('"pki/cards/%s/auth.crt"' % v for v in voters)})
        for args in (["keygen", "--officials", d("officials"), "-q"],
                     ["keygen", "--chain", ORIGIN, live.dir, "-q"],
                     ["init", d("election.toml"), "--out", d("election"), "-q"],
                     ["ceremony", "--all-local", "--draft", d("election", "manifest-draft.json"),
                      "--out", d("ceremony"), "-q"],
                     ["seal", "--draft", d("election", "manifest-draft.json"), "--ceremony", d("ceremony"),
                      "--officials-key", d("officials", "officials.key"), "--out", d("entry0.json"),
                      "--ceremony-out", d("ceremony-entry.json"), "-q"]):
            must(args)
        shutil.copy(d("election", "roll.txt"), d("roll.txt"))
        # One witness (ippyo-tally witness) as the chain's quorum, and the observer's policy.
        must(["keygen", "--witness", "witness.example/w1", d("w"), "-q"])
        wport = d("witness.port")
        witness = subprocess.Popen([TALLY, "witness", "--key", d("w", "witness.key"), "--log-vkey",
                                    d("chain.vkey"), "--state", d("witness.state"), "--listen",
                                    "127.0.0.1:0", "--port-file", wport],
                                   stderr=open(d("witness.log"), "a"))
        for _ in range(400):
            if os.path.exists(wport) and open(wport).read().endswith("\n"):
                break
            time.sleep(0.05)
        wurl = "http://127.0.0.1:%d/" % int(open(wport).read())
        with open(d("w", "witness.vkey")) as f:
            wvkey = f.read().strip()
        with open(d("chain.vkey")) as f:
            cvkey = f.read().strip()
        with open(d("policy"), "w") as f:
            f.write("log %s\nwitness w1 %s\nquorum w1\n" % (cvkey, wvkey))
        with open(d("chaind.conf"), "w") as f:
            f.write("[election]\nmanifest = entry0.json\nsigning-key = chain.key\n"
                    "[jpki]\nca = pki/ca/auth-ca.crt\ncrl = pki/ca/auth.crl\nroll = roll.txt\n"
                    "[server]\naddress = 127.0.0.1\nport = 0\ndatabase = chain.sqlite\n"
                    "port-file = port.txt\n[batch]\nmax-entries = 64\nmax-ms = 5\n"
                    "[witnesses]\nquorum = 1\n[witness witness.example/w1]\nvkey = %s\nurl = %s\n"
                    % (wvkey, wurl))
        tt = d("tt")
        os.makedirs(tt)
        shutil.copy(d("entry0.json"), tt)
        shutil.copy(d("chain.vkey"), tt)
        with open(d("officials", "officials.key")) as f:
            seed = b64u_dec(f.read().strip())
        with open(os.path.join(tt, "officials.key"), "w") as f:
            f.write(seed.hex())
        srv = Server(live)
        url = "http://127.0.0.1:%d/" % srv.port
        side = ["--roll", d("roll.txt"), "--ca", d("pki", "ca", "auth-ca.crt"),
                "--crl", d("pki", "ca", "auth.crl")]
        must(["append", url, d("ceremony-entry.json"), "--manifest", d("entry0.json"), "-q"])
        # chain-testtool's --choice picks one option per contest.
        choices = [(v, i % 3) for i, v in enumerate(voters)] + [("voter-002", 2)]
        posted = 0
        for v, c in choices:
            out = os.path.join(tt, "ballot-%s-%d" % (v, c))
            subprocess.run([TOOL, "ballot", "--dir", tt, "--card", os.path.join(pki, "cards", v),
                            "--choice", str(c), "--out", out], check=True, capture_output=True,
                           env=TOOL_ENV)
            with open(out, "rb") as f:
                s, _, _ = srv.post("/v1/ballots", f.read())
            posted += s == 200
        t.eq(posted, len(choices), "eight ballots (one re-vote) accepted by the chain")
        must(["close", url, "--manifest", d("entry0.json"), "--officials-key",
              d("officials", "officials.key"), "-q"])
        must(["aggregate", url, "--mirror", d("mirror"), "-o", d("aggregate.json"), "-q"] + side)
        parts = []
        for j in (1, 3):
            p = d("partial-%d.json" % j)
            must(["decrypt", "--key", d("ceremony", "trustee-%d.key.json" % j), "--aggregate",
                  d("aggregate.json"), "--manifest", d("entry0.json"), "-o", p, "-q"])
            parts.append(p)
        r = must(["combine", "--manifest", d("entry0.json"), "--aggregate", d("aggregate.json"),
                  "--officials-key", d("officials", "officials.key"), "--out-dir", d("result"),
                  "--url", url, "--json", "-q"] + parts)
        totals = json.loads(r.stdout)["totals"]
        r = tally("verify", url, "--mirror", d("mirror"), "--threads", "1", "--json", "-q", *side)
        rep = json.loads(r.stdout) if r.stdout else None
        t.ok(r.returncode == 0 and rep["ok"] and rep["result_verified"],
             "ippyo-tally verify: the mirrored record verifies, result included")
        # The observer's side files: the CA certificates and CRL as the chain serves them
        # (GET /v1/jpki, chain.md), the roll as the officials publish it (init's roll.txt).
        st, _, body = srv.get("/v1/jpki")
        jp = json.loads(body) if st == 200 else {"ca": [], "crl": []}
        obs = d("observer")
        os.makedirs(obs)
        iside = ["--roll", d("roll.txt")]
        for k, der in enumerate(jp["ca"]):
            with open(os.path.join(obs, "ca-%d.der" % k), "wb") as f:
                f.write(base64.b64decode(der))
            iside += ["--ca", os.path.join(obs, "ca-%d.der" % k)]
        if jp["crl"]:
            with open(os.path.join(obs, "crl.der"), "wb") as f:
                f.write(base64.b64decode(jp["crl"][0]))
            iside += ["--crl", os.path.join(obs, "crl.der")]
        t.ok(len(jp["ca"]) == 1 and len(jp["crl"]) == 1, "GET /v1/jpki: the CA certificate and the CRL")
        t.eq(srv.stop(), 0, "the chain stops cleanly")
        srv = None
        witness.terminate()
        witness.wait()
        witness = None
        if keep:
            shutil.copytree(live.dir, keep, symlinks=False, dirs_exist_ok=True)

        def indep(mirror, extra=()):
            t0 = time.time()
            p = subprocess.run([sys.executable, VERIFIER, mirror] + iside + list(extra), capture_output=True,
                               text=True)
            for line in p.stderr.splitlines()[-20:]:
                print("# verifier stderr: " + line)
            return p.returncode, p.stdout, time.time() - t0

        def same_rules(mirror, out, entry):
            """The broken rules of entry `entry` are the same for both verifiers."""
            r = tally("verify", mirror, "--threads", "1", "--json", "-q", *side)
            rep = json.loads(r.stdout) if r.stdout else {"failures": []}
            theirs = sorted(set(f["rule"] for f in rep["failures"] if f["entry"] == entry))
            ours = sorted(set(l.split(": ")[1] for l in out.splitlines()
                              if l.startswith("not ok") and ("entry %d:" % entry) in l))
            if theirs != ours:
                print("# ippyo-tally verify (exit %d): %s; independent: %s" % (r.returncode, theirs, ours))
            return r.returncode == 3 and theirs == ours and theirs != []

        rc, out, secs = indep(d("mirror"))
        notok = [l for l in out.splitlines() if l.startswith("not ok")]
        for l in notok[:20]:
            print("# " + l)
        last = out.splitlines()[-1] if out else ""
        t.ok(rc == 0 and not notok and last.startswith("# verified:"),
             "independent verifier accepts the record (%.1f s): %s" % (secs, last))
        t.ok(("counted 7" in last) and json.dumps(totals, separators=(",", ":")) in last,
             "it finds 7 voters counted and the totals %s" % json.dumps(totals, separators=(",", ":")))

        # With the witness policy: the cosignature and the quorum (checkpoint.quorum),
        # and the checkpoint time as every ballot's T_hi.
        pol = ["--policy", d("policy")]
        rc, out, _ = indep(d("mirror"), pol)
        r = tally("verify", d("mirror"), "--threads", "1", "--json", "-q", *(side + pol))
        t.ok(rc == 0 and "ok" in out and "log: checkpoint.quorum" in out and r.returncode == 0,
             "with the witness policy both verifiers accept the record (cosignature, quorum)")
        mq = d("m-quorum")
        shutil.copytree(d("mirror"), mq)
        with open(os.path.join(mq, "checkpoint"), "rb") as f:
            note = bytearray(f.read())
        k = note.find("\u2014 witness.example/w1 ".encode())
        t.ok(k > 0, "the chain's checkpoint carries the witness's cosignature")
        k += len("\u2014 witness.example/w1 ".encode()) + 30    # inside the signature's base64
        note[k] = ord("A") if note[k] != ord("A") else ord("B")
        with open(os.path.join(mq, "checkpoint"), "wb") as f:
            f.write(note)
        rc, out, _ = indep(mq, pol)
        r = tally("verify", mq, "--threads", "1", "--json", "-q", *(side + pol))
        rep = json.loads(r.stdout) if r.stdout else {"failures": []}
        if not (rc == 3 and r.returncode == 3):
            print("# cosignature altered: exits %d and %d: %s / %s" % (rc, r.returncode, rep["failures"],
                                                                       [x for x in out.splitlines() if "not ok" in x]))
        t.ok(rc == 3 and "not ok" in out and "log: checkpoint.quorum" in out.split("not ok", 1)[1] and
             r.returncode == 3 and [f["rule"] for f in rep["failures"]] == ["checkpoint.quorum"],
             "a cosignature altered: both verifiers break checkpoint.quorum")

        with open(d("mirror", "checkpoint")) as f:
            size = int(f.read().split("\n")[1])
        entries = read_entries(d("mirror"), size)
        kinds = [json.loads(e)["type"] for e in entries]
        bi = [i for i, k in enumerate(kinds) if k == "ballot"][3]
        ri = kinds.index("result")

        # 1. one byte of a ballot entry flipped in its bundle, nothing else changed.
        m1 = d("m1")
        shutil.copytree(d("mirror"), m1)
        bad = list(entries)
        e = bytearray(bad[bi])
        pos = e.find(b'"selections":["') + 40
        e[pos] = ord("A") if e[pos] != ord("A") else ord("B")
        bad[bi] = bytes(e)
        with open(os.path.join(m1, "tile", "entries", "000.p", "%d" % size), "wb") as f:
            f.write(b"".join(len(x).to_bytes(2, "big") + x for x in bad))
        rc, out, _ = indep(m1)
        t.ok(rc != 0 and ("not ok" in out) and ("entry %d:" % bi) in out,
             "a ballot entry flipped in its bundle: refused, entry %d named" % bi)

        # 2. the same ballot with the tree and the checkpoint re-signed by the chain's key.
        m2 = d("m2")
        shutil.copytree(d("mirror"), m2)
        rewrite(m2, bad, d("chain.key"))
        rc, out, _ = indep(m2)
        named = [l for l in out.splitlines() if l.startswith("not ok") and ("entry %d:" % bi) in l]
        for l in named[:5]:
            print("# " + l)
        t.ok(rc != 0 and named and all("tree" not in l for l in named),
             "the same with the tree re-signed: entry %d refused by the ballot checks" % bi)
        t.ok(same_rules(m2, out, bi), "ippyo-tally verify names the same entry and rules")

        # 3. one total of the result changed, the entry re-signed by the officials,
        # the tree and the checkpoint by the chain.
        m3 = d("m3")
        shutil.copytree(d("mirror"), m3)
        bad = list(entries)
        obj = json.loads(bad[ri])
        tot = obj["totals"]
        tot[0][0], tot[0][1] = tot[0][1], tot[0][0]
        if tot[0][0] == tot[0][1]:
            tot[0][2], tot[0][0] = tot[0][0], tot[0][2]
        bad[ri] = officials_resign(canon(obj), d("officials", "officials.key"))
        rewrite(m3, bad, d("chain.key"))
        rc, out, _ = indep(m3)
        named = [l for l in out.splitlines() if l.startswith("not ok") and ("entry %d:" % ri) in l]
        for l in named[:5]:
            print("# " + l)
        t.ok(rc != 0 and named and any("result.total" in l for l in named) and
             not any("signature" in l for l in named),
             "a result total changed and re-signed: entry %d refused (result.total)" % ri)
        t.ok(same_rules(m3, out, ri), "ippyo-tally verify names the same entry and rules")

        # The checkpoint's own signature altered: both stop at checkpoint.signature.
        mc = d("m-checkpoint")
        shutil.copytree(d("mirror"), mc)
        with open(os.path.join(mc, "checkpoint"), "rb") as f:
            note = bytearray(f.read())
        k = note.find(("\u2014 " + ORIGIN + " ").encode()) + len(("\u2014 " + ORIGIN + " ").encode()) + 20
        note[k] = ord("A") if note[k] != ord("A") else ord("B")
        with open(os.path.join(mc, "checkpoint"), "wb") as f:
            f.write(note)
        rc, out, _ = indep(mc)
        r = tally("verify", mc, "--threads", "1", "--json", "-q", *side)
        rep = json.loads(r.stdout) if r.stdout else {"failures": []}
        print("# checkpoint altered: ippyo-tally verify exit %d %s; independent exit %d" % (
            r.returncode, [(f["entry"], f["rule"]) for f in rep["failures"]], rc))
        t.ok(rc == r.returncode == 3 and [(f["entry"], f["rule"]) for f in rep["failures"]] ==
             [(None, "checkpoint.signature")] and "not ok" in out and "log: checkpoint.signature" in out,
             "the checkpoint's signature altered: both verifiers stop at checkpoint.signature, exit 3")

        # 4. Differential: records rewritten and re-signed (officials and chain), each
        # breaking some rules; both verifiers must report the same (entry, rule) pairs.
        def rules_of(mirror, tside=None, vside=None):
            r = tally("verify", mirror, "--threads", "1", "--json", "-q", *(tside or side))
            rep = json.loads(r.stdout) if r.stdout else {"failures": [{"entry": None, "rule": r.stderr}]}
            theirs = sorted(set((f["entry"], f["rule"]) for f in rep["failures"]), key=str)
            if vside is None:
                rc, out, _ = indep(mirror)
            else:
                p = subprocess.run([sys.executable, VERIFIER, mirror] + vside, capture_output=True, text=True)
                rc, out = p.returncode, p.stdout
            ours = set()
            for line in out.splitlines():
                if line.startswith("not ok"):
                    w = line.split(" - ", 1)[1].split(": ")
                    ours.add((None if w[0] == "log" else int(w[0].split()[1]), w[1]))
            return theirs, sorted(ours, key=str), r.returncode, rc

        def differ(name, new, expect_broken=True):
            m = d("m-" + name)
            shutil.copytree(d("mirror"), m)
            shutil.rmtree(os.path.join(m, "tile"))
            os.makedirs(os.path.join(m, "tile", "entries", "000.p"))
            os.makedirs(os.path.join(m, "tile", "0", "000.p"))
            rewrite(m, new, d("chain.key"))
            theirs, ours, rc1, rc2 = rules_of(m)
            if theirs != ours:
                print("# %s: ippyo-tally verify %s" % (name, theirs))
                print("# %s: independent       %s" % (name, ours))
            want = (3, 3) if expect_broken else (0, 0)
            if (rc1, rc2) != want or bool(ours) != expect_broken:
                print("# %s: exit %d and %d, rules %s" % (name, rc1, rc2, ours))
            t.ok(theirs == ours and (rc1, rc2) == want and bool(ours) == expect_broken,
                 "%s: both verifiers %s" % (name, ("break the same %d rules" % len(ours)) if expect_broken
                                            else "accept it"))
            shutil.rmtree(m, ignore_errors=True)

        def card_ballot(card, voter=None, extra=()):
            out = os.path.join(tt, "extra-" + card)
            args = [TOOL, "ballot", "--dir", tt, "--card", os.path.join(pki, "cards", card),
                    "--choice", "1", "--out", out] + list(extra)
            if voter:
                args += ["--voter", os.path.join(pki, "cards", voter)]
            subprocess.run(args, check=True, capture_output=True, env=TOOL_ENV)
            with open(out, "rb") as f:
                return f.read()

        def resign(o):
            return officials_resign(canon(o), d("officials", "officials.key"))

        E = entries
        ci = kinds.index("close")
        differ("a ballot moved after the close", E[:bi] + E[bi + 1:ci + 1] + [E[bi]] + E[ci + 1:])
        for card in ("revoked", "expired", "foreign", "voter-008"):
            differ("a ballot of card %s" % card, E[:ci] + [card_ballot(card)] + E[ci:])
        differ("a re-vote with another voter's binding",
               E[:ci] + [card_ballot("voter-003", voter="voter-004")] + E[ci:])
        differ("a ballot with a bad proof", E[:ci] + [card_ballot("voter-005", extra=["--mutate", "proof"])] + E[ci:])
        differ("a ballot with a bad card signature",
               E[:ci] + [card_ballot("voter-006", extra=["--bad-signature"])] + E[ci:])
        differ("a ballot of another election id",
               E[:ci] + [card_ballot("voter-007", extra=["--mutate", "election-id=2027-other"])] + E[ci:])
        o = json.loads(E[1])
        doc = o["documents"][0]
        raw = bytearray(base64.urlsafe_b64decode(doc["data"] + "=" * (-len(doc["data"]) % 4)))
        k = raw.find(b'"proof"') + 20
        raw[k] = ord("A") if raw[k] != ord("A") else ord("B")
        doc["data"] = b64u(bytes(raw))
        differ("a commitments file with a bad Schnorr proof", E[:1] + [resign(o)] + E[2:])
        o = json.loads(E[ri - 1])
        raw = bytearray(b64u_dec(o["document"]))
        k = raw.find(b'"shares":[["') + 12 + 100
        raw[k] = ord("A") if raw[k] != ord("A") else ord("B")
        o["document"] = b64u(bytes(raw))
        differ("a partial decryption with a bad share", E[:ri - 1] + [resign(o)] + E[ri:])
        differ("a non-canonical ballot entry", E[:bi] + [E[bi].replace(b'{"ballot":', b'{ "ballot":', 1)]
               + E[bi + 1:])
        differ("the ceremony entry twice", E[:2] + [E[1]] + E[2:])
        o = json.loads(E[ri - 1])
        o["trustee"] = 2
        differ("a decryption entry of another trustee", E[:ri - 1] + [resign(o)] + E[ri:])
        differ("the decryptions and the result before the close", E[:ci] + E[ci + 1:] + [E[ci]])
        differ("a copy of the result before the close", E[:ci] + [E[ri]] + E[ci:])
        differ("a decryption entry twice", E[:ri] + [E[ri - 1]] + E[ri:])
        differ("the result before the decryptions", E[:ci + 1] + [E[ri]] + E[ci + 1:ri])
        # 300 more entries: two bundles, full and partial tiles at level 0 and a level-1 tile.
        differ("300 entries of an unknown type appended", E + [b'{"type":"note","version":1}'] * 300)
        o = json.loads(E[0])
        o["manifest"]["title"]["en"] = "Changed"
        differ("the manifest changed and re-signed", [resign(o)] + E[1:])
        # Side files: CRLs made with the test CA's key, a CA that is not pinned, a roll
        # with one line too many; the same side files for both verifiers.
        import datetime as dt
        from cryptography import x509 as _x509
        from cryptography.hazmat.primitives import hashes as _hashes, serialization as _ser

        def load_cert(path):
            with open(path, "rb") as f:
                return _x509.load_pem_x509_certificate(f.read())

        ca_cert = load_cert(d("pki", "ca", "auth-ca.crt"))
        with open(d("pki", "ca", "auth-ca.key"), "rb") as f:
            ca_key = _ser.load_pem_private_key(f.read(), None)

        def make_crl(name, last, nxt, serials=()):
            b = _x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
            b = b.last_update(last).next_update(nxt)
            for sn in serials:
                b = b.add_revoked_certificate(_x509.RevokedCertificateBuilder().serial_number(sn)
                                              .revocation_date(last).build())
            path = d(name)
            with open(path, "wb") as f:
                f.write(b.sign(ca_key, _hashes.SHA256()).public_bytes(_ser.Encoding.DER))
            return path

        def differ_side(name, tside, vside):
            theirs, ours, rc1, rc2 = rules_of(d("mirror"), tside, vside)
            if theirs != ours:
                print("# %s: ippyo-tally verify %s" % (name, theirs))
                print("# %s: independent       %s" % (name, ours))
            t.ok(theirs == ours and rc1 == rc2 and rc1 in (3, 4) and (rc1 == 4 or ours),
                 "%s: both verifiers break the same %d rules (exit %d)" % (name, len(ours), rc1))

        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        ca_pem = d("pki", "ca", "auth-ca.crt")
        v3 = load_cert(d("pki", "cards", "voter-003", "auth.crt")).serial_number
        for name, crl in (("a CRL that revokes voter-003",
                           make_crl("crl-v3.der", now - dt.timedelta(days=1), now + dt.timedelta(days=9),
                                    [v3])),
                          ("a CRL issued after the close",
                           make_crl("crl-late.der", now + dt.timedelta(days=1), now + dt.timedelta(days=9)))):
            differ_side(name, ["--roll", d("roll.txt"), "--ca", ca_pem, "--crl", crl],
                        ["--roll", d("roll.txt"), "--ca", ca_pem, "--crl", crl])
        # Card certificates from the CA with an odd profile (voter-001's key): the path
        # check refuses a card that cannot sign or is a CA, and an unknown critical
        # extension.
        from cryptography.x509.oid import NameOID, ObjectIdentifier
        with open(d("pki", "cards", "voter-001", "auth.key"), "rb") as f:
            vkey = _ser.load_pem_private_key(f.read(), None)
        for vname, ext in (("keyUsage keyCertSign only",
                            _x509.KeyUsage(False, False, False, False, False, True, False, False, False)),
                           ("basicConstraints CA:TRUE", _x509.BasicConstraints(ca=True, path_length=None)),
                           ("an unknown critical extension",
                            _x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00"))):
            cert = (_x509.CertificateBuilder()
                    .subject_name(_x509.Name([_x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                                              _x509.NameAttribute(NameOID.COMMON_NAME, "odd profile")]))
                    .issuer_name(ca_cert.subject).public_key(vkey.public_key())
                    .serial_number(_x509.random_serial_number())
                    .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=300))
                    .add_extension(ext, critical=True).sign(ca_key, _hashes.SHA256()))
            cdir = d("card-odd")
            shutil.rmtree(cdir, ignore_errors=True)
            shutil.copytree(os.path.join(pki, "cards", "voter-001"), cdir)
            with open(os.path.join(cdir, "auth.crt"), "wb") as f:
                f.write(cert.public_bytes(_ser.Encoding.PEM))
            out = d("ballot-odd")
            subprocess.run([TOOL, "ballot", "--dir", tt, "--card", cdir, "--choice", "0", "--out", out],
                           check=True, capture_output=True, env=TOOL_ENV)
            with open(out, "rb") as f:
                differ("a card certificate with %s" % vname, E[:ci] + [f.read()] + E[ci:])

        foreign = ["--roll", d("roll.txt"), "--ca", ca_pem, "--ca", d("pki", "ca", "foreign-ca.crt")]
        differ_side("a CA that the manifest does not pin", foreign, foreign)
        with open(d("roll.txt")) as f:
            lines = f.read().splitlines()
        with open(d("roll-extra.txt"), "w") as f:
            f.write("".join(x + "\n" for x in sorted(lines + ["f" * 64])))
        extra = ["--roll", d("roll-extra.txt"), "--ca", ca_pem]
        differ_side("a roll with one line too many", extra, extra)
        pin = side + ["--election-hash", "00" * 32]
        differ_side("another election pinned (--election-hash)", pin,
                    ["--roll", d("roll.txt"), "--ca", ca_pem, "--election-hash", "00" * 32])

        with open(os.path.join(pki, "cards", "voter-001", "auth.crt"), "rb") as f:
            c = _x509.load_pem_x509_certificate(f.read())
            na = getattr(c, "not_valid_after_utc", None) or c.not_valid_after
        for delta, broken in ((-1, False), (0, True)):
            o = json.loads(E[ci])
            o["time"] = time.strftime(fmt, time.gmtime(na.replace(tzinfo=__import__("datetime").timezone.utc)
                                                       .timestamp() + delta))
            differ("closed at voter-001's notAfter %+d s" % delta, E[:ci] + [resign(o)] + E[ci + 1:], broken)
    finally:
        if srv is not None and srv.proc.poll() is None:
            srv.kill9()
        if witness is not None:
            witness.kill()
            witness.wait()
        shutil.rmtree(live.dir, ignore_errors=True)
    t.done()


main()
