# Shared by the fault tests (issue 8, "Faults"): what the server promised
# (receipts, signed checkpoints) and the check that the served log keeps it.
import http.client
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chain"))
from chainharness import parse_checkpoint, leaf_hash, Roots  # noqa: E402

# A legitimate ballot is answered within this many seconds once the fault
# is over (issue 8 says 1 s; sanitizer builds get five times more).
LIMIT = float(os.environ.get("IPPYO_ATTACK_LIMIT_S", "1.0"))
ASAN = len(sys.argv) > 1 and "address" in sys.argv[1]
if ASAN:
    LIMIT *= 5


def code_of(body):
    try:
        return json.loads(body)["code"]
    except Exception:
        return None


class Ledger:
    """Every receipt and every signed checkpoint the server gave out."""

    def __init__(self, el):
        self.el = el
        self.receipts = {}       # entry bytes -> (index, answer body)
        self.checkpoints = {}    # size -> root
        self.verified = set()    # receipts checked offline already (they do not change)

    def take(self, entry, status, body):
        """Records a 200 answer; True when it was one."""
        if status != 200:
            return False
        r = json.loads(body)
        self.receipts[entry] = (r["index"], body)
        note = r["receipt"].split("\n\n", 1)[1].encode()
        _, size, root = parse_checkpoint(note)
        self.checkpoints[size] = root
        return True

    def note(self, checkpoint):
        _, size, root = parse_checkpoint(checkpoint)
        self.checkpoints[size] = root

    def problems(self, srv, verify_receipts=True):
        """What the served log contradicts: empty when it keeps every promise."""
        cp = srv.checkpoint()
        self.note(cp)
        _, size, root = parse_checkpoint(cp)
        entries = srv.entries(0, size)
        roots = Roots([leaf_hash(e) for e in entries])
        bad = []
        if roots.root(size) != root:
            bad.append("the entries do not hash to the checkpoint's root")
        for csize, croot in sorted(self.checkpoints.items()):
            if csize > size:
                bad.append("a checkpoint of size %d was signed, the log has %d" % (csize, size))
            elif roots.root(csize) != croot:
                bad.append("the log contradicts the checkpoint of size %d" % csize)
        for entry, (idx, body) in self.receipts.items():
            if idx >= size or entries[idx] != entry:
                bad.append("a receipted entry is not at its index %d" % idx)
            elif verify_receipts and entry not in self.verified:
                r = self.el.verify_receipt(entry, body)
                if r.returncode != 0:
                    bad.append("the receipt of entry %d does not verify: %s" % (idx, r.stderr.strip()))
                else:
                    self.verified.add(entry)
        return bad


def post(port, body, timeout=60):
    """POST /v1/ballots: (status, headers, body, seconds), status None on a client time-out."""
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("POST", "/v1/ballots", body=body, headers={"Content-Type": "application/json"})
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read(), time.monotonic() - t0
    except (OSError, http.client.HTTPException) as e:
        return None, {}, str(e).encode(), time.monotonic() - t0
    finally:
        c.close()


class Background:
    """Submissions running on threads while the test does something else."""

    def __init__(self, port, bodies, timeout=60):
        self.bodies = bodies
        self.results = [None] * len(bodies)
        self.threads = [threading.Thread(target=self._run, args=(i, port, b, timeout))
                        for i, b in enumerate(bodies)]
        for th in self.threads:
            th.start()

    def _run(self, i, port, body, timeout):
        self.results[i] = post(port, body, timeout)

    def wait(self):
        for th in self.threads:
            th.join()
        return self.results
