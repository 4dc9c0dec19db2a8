#!/usr/bin/env python3
# ./run demo's election as a test: demo/election-demo --keep DIR must end with
# "The whole record verified" (it fails loudly itself when the decrypted
# totals differ from the ballots it cast), leave nothing running, and leave in
# DIR what its help promises; `ippyo-chaind --config DIR/chaind.conf` then
# serves the finished chain again: it verifies, and a voter's receipt is in it.
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2eharness as h  # noqa: E402

t = h.Tap()
keep = tempfile.mkdtemp(prefix="ippyo-e2e-demo-", dir=h.TMP)
chaind = None


def children_in(folder):
    """Processes whose command line names FOLDER (the demo's own)."""
    out = []
    for d in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(d, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if folder in cmd and str(os.getpid()) not in d:
            out.append(cmd)
    return out


try:
    r = h.run([h.DEMO, "--keep", keep, "--quiet"], timeout=600)
    lines = r.stdout.strip().splitlines()
    t.ok(r.returncode == 0, "the demo election runs to its end (exit %d)" % r.returncode,
         r.stdout[-3000:] + r.stderr[-3000:])
    t.ok(any(l.startswith("The whole record verified") for l in lines[-4:]),
         "its last lines say the whole record verified", "\n".join(lines[-4:]))
    t.ok(any("final checkpoint" in l and "root" in l for l in lines[-4:]),
         "with the final checkpoint")
    t.eq(children_in(keep), [], "nothing it started is still running (chain, witness, pcscd, cards)")
    for name in ("chaind.conf", "chain.vkey", "chain.key", "chain.sqlite", "entry0.json",
                 "officials/officials.key", "result.json", "report.html", "election.toml"):
        t.ok(os.path.exists(os.path.join(keep, name)), "--keep leaves " + name)
    receipts = sorted(glob.glob(os.path.join(keep, "voters", "*", "ippyo", "*", "receipt-*.json")))
    t.ok(len(receipts) >= 9, "--keep leaves the voters' receipts (%d)" % len(receipts))
    with open(os.path.join(keep, "result.json")) as f:
        res = json.load(f)
    t.ok(res.get("type") == "result", "result.json is the officials' signed result entry", res)
    try:
        with open(os.path.join(keep, "report.html"), encoding="utf-8") as f:
            html = f.read()
    except OSError:
        html = ""
    t.ok(html.lstrip().lower().startswith("<!doctype html") and "</html>" in html and
         "<svg" in html and "Mayor" in html,
         "report.html: a self-contained HTML report with its charts")
    try:
        with open(os.path.join(keep, "result-chain.json")) as f:
            chain_res = json.load(f)
        chain_totals = [[o["votes"] for o in c["options"]] for c in chain_res["contests"]]
    except (OSError, ValueError, KeyError) as e:
        chain_res, chain_totals = {}, repr(e)
    t.ok(chain_totals == res["totals"] and chain_res.get("counted") == res["counted"] == 8,
         "the demo's `result` from the chain: the signed result entry's totals, eight counted",
         "%r %r" % (chain_totals, res))
    try:
        with open(os.path.join(keep, "result-table.txt"), encoding="utf-8") as f:
            table = f.read()
    except OSError:
        table = ""
    rows = [l.split() for l in table.splitlines() if l.startswith("  ")]
    flat = [n for row in res["totals"] for n in row]
    t.ok(len(rows) == len(flat) and [int(r[-1]) for r in rows] == flat,
         "the demo's printed result table: one line per option with the entry's totals", table)

    # The kept chain served again, as the help says.
    if os.path.exists(os.path.join(keep, "chaind.port")):
        os.unlink(os.path.join(keep, "chaind.port"))
    log = open(os.path.join(keep, "chaind-again.log"), "ab")
    chaind = subprocess.Popen([h.CHAIND, "--config", os.path.join(keep, "chaind.conf")],
                              stdout=log, stderr=log)
    port = h.wait_line(os.path.join(keep, "chaind.port"), chaind)
    url = "http://127.0.0.1:%s/" % port
    st = h.get_json(url + "v1/status")
    t.ok(st["state"] == "closed", "ippyo-chaind --config DIR/chaind.conf serves the closed chain")
    obs = os.path.join(keep, "observer", "mirror", "election")
    r = h.run([h.TALLY, "verify", url, "--mirror", os.path.join(keep, "again"), "--json", "-q",
               "--roll", os.path.join(obs, "roll.txt"), "--ca", os.path.join(obs, "jpki-ca", "auth-ca.crt"),
               "--crl", os.path.join(obs, "crl", "auth.crl"), "--policy", os.path.join(obs, "policy")])
    rep = json.loads(r.stdout) if r.stdout.strip() else {}
    t.ok(r.returncode == 0 and rep.get("closed") and rep.get("counted") == 8 and
         rep.get("result_verified"),
         "the served chain verifies again: closed, eight voters counted, the result verified", r.stderr)
    size = st["size"]
    bundle = b""
    for start in range(0, size, 256):
        with h.urllib.request.urlopen("%sv1/entries?start=%d&end=%d" % (url, start, min(size, start + 256))) as resp:
            bundle += resp.read()
    kinds, i = [], 0
    while i < len(bundle):
        n = int.from_bytes(bundle[i:i + 2], "big")
        kinds.append(json.loads(bundle[i + 2:i + 2 + n])["type"])
        i += 2 + n
    t.ok(kinds[:2] == ["manifest", "ceremony"] and "ballot" not in kinds[kinds.index("close"):] and
         kinds[-3:] == ["decryption", "decryption", "result"],
         "the chain: manifest, ceremony, ballots, close, two decryptions, the result", kinds)
    r = h.run([h.TALLY, "result", url, "--mirror", os.path.join(keep, "again"), "--lang", "en",
               "--html", os.path.join(keep, "report-again.html"), "-q",
               "--roll", os.path.join(obs, "roll.txt"), "--ca", os.path.join(obs, "jpki-ca", "auth-ca.crt"),
               "--crl", os.path.join(obs, "crl", "auth.crl"), "--policy", os.path.join(obs, "policy")])
    t.ok(r.returncode == 0 and os.path.getsize(os.path.join(keep, "report-again.html")) > 0 and
         "Mayor" in r.stdout, "ippyo-tally result URL on the served chain: the table and the report",
         r.stdout + r.stderr)
    env = dict(os.environ, XDG_DATA_HOME=os.path.dirname(os.path.dirname(os.path.dirname(receipts[0]))),
               LANGUAGE="en", LC_ALL="C.UTF-8")
    r = h.run([h.VOTE, "check", receipts[0], "--json"], env=env)
    doc = json.loads(r.stdout) if r.stdout.strip() else {}
    t.ok(r.returncode == 0 and doc.get("result") == "included",
         "a voter's receipt: still included", r.stdout + r.stderr)
finally:
    if chaind is not None and chaind.poll() is None:
        chaind.send_signal(signal.SIGTERM)
        chaind.wait(30)
    shutil.rmtree(keep, ignore_errors=True)
t.done()
