#!/usr/bin/env python3
"""An independent verifier of an ippyo chain mirror, written from docs/ alone.

Sources: docs/verification.md (the checks and their order), docs/formats.md
(entries, manifest, ballot, roll, officials' signatures), docs/crypto.md
(transcripts, range proofs), docs/ceremony.md (commitments, Schnorr,
Chaum-Pedersen, Lagrange), docs/log.md (signed notes, checkpoints, tiles,
Merkle trees), and the C2SP specs they name. No line of common/, chain/ or
tally/ was read to write it. Python 3 standard library plus `cryptography`
(Ed25519, RSA PKCS#1 v1.5, X.509 and CRL parsing); P-256 arithmetic is plain
integers here (Jacobian coordinates; slow, not constant time: public data only).

    independent-verifier.py MIRROR --roll FILE --ca FILE [--ca FILE...] [--crl FILE]
                            [--policy FILE] [--election-hash HEX]

Prints TAP (one line per check, "not ok N - entry <i>: <rule>: <message>" or
"log: <rule>: ..." for a broken one), then "# verified: ..." last. Exit 0 when
every check holds, 3 when one is broken, 2 on an unreadable input, 1 on usage.

Checked (verification.md sections): 2 the manifest entry (officials' signature,
pinned h_E, the chain key, the roll file, the CA fingerprints); 3 the checkpoint
(chain key signature, origin, size); 5 the tree (tiles' perfect subtrees -> root,
complete bundles, every leaf against the level-0 tiles, the root from the
entries), every entry parsed canonically with its exact keys, its election id and
position; 6 the ceremony (every commitments file's Schnorr proofs, K, X_j and the
transcript hash against the manifest); 7 every ballot (certificate format,
validity at [T_lo, T_hi], its chain to a pinned CA, the CRL, the roll, the card's
RSA signature over the ballot bytes, the ballot's fields, every selection and
contest proof with the voter binding); 8 the close entry, ballots after it, the
re-vote rule and the aggregate; 9 every decryption entry (document, H_A, every
Chaum-Pedersen proof); 10 the result (close index, counted, >= t decryptions,
M = total*G for every option).

With --policy FILE (a C2SP tlog-policy): section 3's witness cosignatures and
quorum, and the checkpoint time (the earliest verified cosignature) as T_hi.

Not checked: consistency with an earlier run (section 4: no state file, so no
earlier checkpoints' times either); the fork-evidence file; the manifest's
fields beyond what the checks use (ids, titles and times are not validated
against formats.md's rules, only the keys, the trustees, the contests' limits and
the keys and hashes are parsed). Path validation is one level (the card
certificate issued by a given, pinned CA: issuer name, signature, both validity
periods at T*, the CA's basicConstraints and keyCertSign, the card's keyUsage
and CA flag), not a full RFC 5280 implementation (name constraints and policies
are not looked at). The card certificate must re-encode to
the same DER bytes (stricter than "no trailing byte"). Proofs are checked one by
one, not in batches (same verdict). Where verification.md says a rule stops
further checks of an entry (§7, §9, §10), this verifier stops too, so that its
failures are the same (entry, rule) pairs as ippyo-tally verify's
(tests/tally/test-independent.py compares them on rewritten records).
"""
import base64
import datetime
import hashlib
import json
import os
import re
import struct
import sys

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

# ---------------------------------------------------------------- P-256 (docs/crypto.md)
P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff
Q = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b
GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296
GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5

# Points are Jacobian triples (X, Y, Z) with Z != 0; None is O.
G = (GX, GY, 1)


def jdouble(p):
    if p is None:
        return None
    x, y, z = p
    if y == 0:
        return None
    zz = z * z % P
    yy = y * y % P
    m = 3 * (x - zz) * (x + zz) % P
    s = 4 * x * yy % P
    x3 = (m * m - 2 * s) % P
    y3 = (m * (s - x3) - 8 * yy * yy) % P
    z3 = 2 * y * z % P
    return (x3, y3, z3)


def jadd(p, q):
    if p is None:
        return q
    if q is None:
        return p
    x1, y1, z1 = p
    x2, y2, z2 = q
    z1z1 = z1 * z1 % P
    z2z2 = z2 * z2 % P
    u1 = x1 * z2z2 % P
    u2 = x2 * z1z1 % P
    s1 = y1 * z2 * z2z2 % P
    s2 = y2 * z1 * z1z1 % P
    if u1 == u2:
        if s1 == s2:
            return jdouble(p)
        return None
    h = (u2 - u1) % P
    r = (s2 - s1) % P
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    y3 = (r * (v - x3) - s1 * hhh) % P
    z3 = z1 * z2 * h % P
    return (x3, y3, z3)


def jneg(p):
    return None if p is None else (p[0], (-p[1]) % P, p[2])


def mul(k, p):
    k %= Q
    r = None
    for bit in bin(k)[2:] if k else "":
        r = jdouble(r)
        if bit == "1":
            r = jadd(r, p)
    return r


def mul2(k1, p1, k2, p2):
    """k1*p1 + k2*p2 (Shamir's trick)."""
    k1 %= Q
    k2 %= Q
    both = jadd(p1, p2)
    r = None
    for i in range(max(k1.bit_length(), k2.bit_length()) - 1, -1, -1):
        r = jdouble(r)
        b1, b2 = (k1 >> i) & 1, (k2 >> i) & 1
        if b1 and b2:
            r = jadd(r, both)
        elif b1:
            r = jadd(r, p1)
        elif b2:
            r = jadd(r, p2)
    return r


def affine(p):
    if p is None:
        return None
    x, y, z = p
    zi = pow(z, -1, P)
    return (x * zi * zi % P, y * zi * zi * zi % P)


def eq(p, q):
    return affine(p) == affine(q)


def enc(p):
    x, y = affine(p)
    return bytes([2 | (y & 1)]) + x.to_bytes(32, "big")


class Bad(Exception):
    """A check failed: the message says why."""


class Malformed(Exception):
    """An input file is malformed: exit 2."""


def dec(b):
    """A 33-byte compressed point, strictly (crypto.md, "The group and its encodings")."""
    if len(b) != 33:
        raise Bad("point length %d" % len(b))
    if b[0] not in (2, 3):
        raise Bad("point prefix 0x%02x" % b[0])
    x = int.from_bytes(b[1:], "big")
    if x >= P:
        raise Bad("point x >= p")
    rhs = (x * x * x - 3 * x + B) % P
    y = pow(rhs, (P + 1) // 4, P)
    if y * y % P != rhs:
        raise Bad("point not on the curve")
    if (y & 1) != (b[0] & 1):
        y = P - y
    return (x, y, 1)


def scalar(b):
    if len(b) != 32:
        raise Bad("scalar length %d" % len(b))
    v = int.from_bytes(b, "big")
    if v >= Q:
        raise Bad("scalar not below q")
    return v


def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def transcript(tag, *els):
    out = u32(len(tag)) + tag
    for e in els:
        out += u32(len(e)) + e
    return out


def digest(tag, *els):
    return hashlib.sha256(transcript(tag, *els)).digest()


def challenge(tag, *els):
    return int.from_bytes(hashlib.sha512(transcript(tag, *els)).digest(), "big") % Q


# ---------------------------------------------------------------- encodings (formats.md)
B64U = re.compile(r"^[A-Za-z0-9_-]*$")


def b64u(s, length=None, what="base64url"):
    if not isinstance(s, str) or not B64U.match(s) or len(s) % 4 == 1:
        raise Bad("%s: not base64url" % what)
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != s:
        raise Bad("%s: not canonical base64url" % what)
    if length is not None and len(raw) != length:
        raise Bad("%s: %d bytes, expected %d" % (what, len(raw), length))
    return raw


def b64std(s):
    raw = base64.b64decode(s, validate=True)
    if base64.b64encode(raw).decode() != s:
        raise Bad("not canonical base64")
    return raw


def hexs(s, length, what):
    if not isinstance(s, str) or not re.match(r"^[0-9a-f]*$", s) or len(s) != 2 * length:
        raise Bad("%s: not %d bytes of lower-case hex" % (what, length))
    return bytes.fromhex(s)


def canon(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")


def _pairs(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise Bad("duplicate key %r" % k)
        d[k] = v
    return d


def _nofloat(s):
    raise Bad("a float (%s)" % s)


def strict_json(raw):
    try:
        text = raw.decode("utf-8")
        obj = json.loads(text, object_pairs_hook=_pairs, parse_float=_nofloat, parse_constant=_nofloat)
    except (UnicodeDecodeError, ValueError) as e:
        raise Bad("JSON: %s" % e)
    return obj


def canonical_json(raw):
    """formats.md "Canonical JSON": parse strictly, re-serialize, compare the bytes."""
    obj = strict_json(raw)
    if not isinstance(obj, dict):
        raise Bad("top level is not an object")
    try:
        if canon(obj) != raw:
            raise Bad("not canonical JSON")
    except UnicodeEncodeError:
        raise Bad("not canonical JSON (surrogate)")
    check_ints(obj)
    return obj


def check_ints(v):
    if isinstance(v, bool) or v is None:
        raise Bad("true/false/null")
    if isinstance(v, int) and not (0 <= v <= 2 ** 53 - 1):
        raise Bad("integer out of range")
    if isinstance(v, dict):
        for x in v.values():
            check_ints(x)
    if isinstance(v, list):
        for x in v:
            check_ints(x)


def keys(obj, want, what):
    if not isinstance(obj, dict) or set(obj) != set(want):
        got = sorted(obj) if isinstance(obj, dict) else type(obj).__name__
        raise Bad("%s: keys %s, expected %s" % (what, got, sorted(want)))


def integer(v, what, lo=0, hi=2 ** 53 - 1):
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise Bad("%s: not an integer in %d..%d" % (what, lo, hi))
    return v


def parse_time(s):
    if not isinstance(s, str) or not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", s):
        raise Bad("time %r" % s)
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


# ---------------------------------------------------------------- the report
class Report:
    def __init__(self):
        self.n = 0
        self.failures = []

    def ok(self, entry, rule, cond, msg=""):
        self.n += 1
        where = "log" if entry is None else "entry %d" % entry
        line = "%s %d - %s: %s" % ("ok" if cond else "not ok", self.n, where, rule)
        if msg:
            line += ": " + msg
        print(line, flush=True)
        if not cond:
            self.failures.append((entry, rule, msg))
        return cond

    def check(self, entry, rule, fn):
        """Runs fn(); a Bad (or a library refusal) is a broken rule. Returns fn's value or None."""
        try:
            v = fn()
        except (Bad, InvalidSignature, ValueError, KeyError, TypeError, IndexError) as e:
            self.ok(entry, rule, False, str(e) or type(e).__name__)
            return None
        self.ok(entry, rule, True)
        return v if v is not None else True


def ed25519_verify(pub, sig, msg):
    ed25519.Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg)


def officials_verify(entry_obj, key):
    """formats.md "Officials' signatures"."""
    sig = b64u(entry_obj["signature"], 64, "signature")
    rest = dict(entry_obj)
    del rest["signature"]
    ed25519_verify(key, sig, transcript(b"ippyo/v1/officials-signature", entry_obj["type"].encode(), canon(rest)))


# ---------------------------------------------------------------- the log (log.md)
def parse_vkey(s, typ=0x01):
    """log.md §2: <name>+<8 hex key ID>+b64(type ‖ public key)."""
    parts = s.split("+", 2)
    if len(parts) != 3 or not re.match(r"^[0-9a-f]{8}$", parts[1]) or not parts[0]:
        raise Bad("verifier key shape")
    name, kid, raw = parts[0], bytes.fromhex(parts[1]), b64std(parts[2])
    if len(raw) != 33 or raw[0] != typ:
        raise Bad("verifier key: not an Ed25519 key of type 0x%02x" % typ)
    want = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if want != kid:
        raise Bad("verifier key: key ID does not match")
    return name, kid, raw[1:]


def open_note(note, name, kid, pub):
    """log.md §2: returns the note text once a line of the key verifies and none fails."""
    try:
        s = note.decode("utf-8")
    except UnicodeDecodeError:
        raise Bad("note is not UTF-8")
    if any(ord(c) < 0x20 and c != "\n" for c in s):
        raise Bad("control character in the note")
    i = note.rfind(b"\n\n")
    if i < 0 or not note.endswith(b"\n"):
        raise Bad("no signature block")
    text, sigs = note[:i + 1], note[i + 2:]
    good = False
    for line in sigs[:-1].split(b"\n"):
        line = line.decode("utf-8")
        if not line.startswith("\u2014 "):
            raise Bad("signature line without em dash")
        parts = line[2:].split(" ")
        if len(parts) != 2:
            raise Bad("signature line shape")
        raw = b64std(parts[1])
        if len(raw) < 5:
            raise Bad("short signature")
        if parts[0] == name and raw[:4] == kid:
            try:
                ed25519_verify(pub, raw[4:], text)
            except InvalidSignature:
                raise Bad("a signature of the chain key does not verify")
            good = True
    if not good:
        raise Bad("no signature of the chain key")
    return text


def parse_policy(raw):
    """log.md §5 (c2sp.org/tlog-policy): logs, witnesses, groups, the quorum."""
    if any(b < 0x20 and b not in (0x09, 0x0a) or b == 0x7f for b in raw) or (raw and not raw.endswith(b"\n")):
        raise Bad("policy: bad byte or no final newline")
    logs, wit, groups, quorum = [], {}, {}, None
    for line in raw.decode("utf-8").split("\n")[:-1]:
        tok = line.replace("\t", " ").split()
        if not tok or tok[0].startswith("#"):
            continue
        if tok[0] == "log" and len(tok) in (2, 3):
            logs.append(tok[1])
        elif tok[0] == "witness" and len(tok) in (3, 4):
            name, kid, pub = parse_vkey(tok[2], 0x04)
            if tok[1] in wit or tok[1] in groups:
                raise Bad("policy: %s defined twice" % tok[1])
            wit[tok[1]] = (name, kid, pub)
        elif tok[0] == "group" and len(tok) >= 4:
            members = tok[3:]
            if any(m not in wit and m not in groups for m in members) or len(set(members)) != len(members):
                raise Bad("policy: group %s: unknown or repeated member" % tok[1])
            if tok[2] == "all":
                k = len(members)
            elif tok[2] == "any":
                k = 1
            elif re.match(r"^[1-9][0-9]*$", tok[2]) and int(tok[2]) <= len(members):
                k = int(tok[2])
            else:
                raise Bad("policy: group %s: bad threshold" % tok[1])
            if tok[1] in wit or tok[1] in groups or tok[1] == "none":
                raise Bad("policy: %s defined twice" % tok[1])
            groups[tok[1]] = (k, members)
        elif tok[0] == "quorum" and len(tok) == 2 and quorum is None:
            quorum = tok[1]
        else:
            raise Bad("policy: line %r" % line)
    if quorum is None or (quorum != "none" and quorum not in wit and quorum not in groups):
        raise Bad("policy: no quorum")
    return logs, wit, groups, quorum


def cosignatures(note, text, wit):
    """log.md §4: every cosignature line of a listed witness must verify; returns
    {policy name: timestamp} of the verified ones."""
    i = note.rfind(b"\n\n")
    got = {}
    for line in note[i + 2:-1].split(b"\n"):
        line = line.decode("utf-8")
        name, sig = line[2:].split(" ")
        raw = b64std(sig)
        for pname, (wname, kid, pub) in wit.items():
            if wname == name and raw[:4] == kid:
                if len(raw) != 4 + 8 + 64:
                    raise Bad("cosignature of %s: length" % pname)
                ts = int.from_bytes(raw[4:12], "big")
                if ts > 2 ** 63 - 1:
                    raise Bad("cosignature of %s: timestamp" % pname)
                try:
                    ed25519_verify(pub, raw[12:], b"cosignature/v1\ntime %d\n" % ts + text)
                except InvalidSignature:
                    raise Bad("the cosignature of witness %s does not verify" % pname)
                got[pname] = ts
    return got


def quorum_met(node, wit, groups, got):
    if node == "none":
        return True
    if node in wit:
        return node in got
    k, members = groups[node]
    return sum(quorum_met(m, wit, groups, got) for m in members) >= k


def tile_path(n):
    groups = []
    while True:
        groups.insert(0, n % 1000)
        n //= 1000
        if n == 0:
            break
    return "/".join(("x%03d" if i < len(groups) - 1 else "%03d") % g for i, g in enumerate(groups))


def tile_file(mirror, level, n, size):
    """log.md §6: tile (level, n) of a tree of this size: full or its one partial width."""
    name = str(level) if level != "entries" else "entries"
    lv = 0 if level == "entries" else level
    full = size // 256 ** (lv + 1)
    if n < full:
        return os.path.join(mirror, "tile", name, tile_path(n)), 256
    w = (size // 256 ** lv) % 256
    if n != full or w == 0:
        raise Bad("no tile (%s, %d) in a tree of size %d" % (name, n, size))
    return os.path.join(mirror, "tile", name, tile_path(n) + ".p/%d" % w), w


def read_tile(mirror, level, n, size, cache):
    key = (level, n)
    if key not in cache:
        path, w = tile_file(mirror, level, n, size)
        with open(path, "rb") as f:
            data = f.read()
        if len(data) != 32 * w:
            raise Bad("tile %s: %d bytes, expected %d" % (path, len(data), 32 * w))
        cache[key] = [data[32 * i:32 * i + 32] for i in range(w)]
    return cache[key]


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def mth(hs):
    if len(hs) == 1:
        return hs[0]
    k = 1
    while k * 2 < len(hs):
        k *= 2
    return node(mth(hs[:k]), mth(hs[k:]))


def root_from_tiles(mirror, size, cache):
    """log.md §6: the perfect subtrees of size (largest first), each from its tile."""
    subs = []
    start = 0
    for lvl in range(size.bit_length() - 1, -1, -1):
        if not (size >> lvl) & 1:
            continue
        idx = start >> lvl
        k = lvl % 8
        first = idx << k
        tile = read_tile(mirror, lvl // 8, first // 256, size, cache)
        off = first % 256
        hs = tile[off:off + (1 << k)]
        if len(hs) != 1 << k:
            raise Bad("tile too short for subtree (%d, %d)" % (lvl, idx))
        subs.append(mth(hs))
        start += 1 << lvl
    r = subs[-1]
    for h in reversed(subs[:-1]):
        r = node(h, r)
    return r


def read_bundle(mirror, n, size):
    path, w = tile_file(mirror, "entries", n, size)
    with open(path, "rb") as f:
        data = f.read()
    out = []
    i = 0
    while i < len(data):
        if i + 2 > len(data):
            raise Bad("bundle %d: truncated length" % n)
        ln = int.from_bytes(data[i:i + 2], "big")
        if ln == 0 or i + 2 + ln > len(data):
            raise Bad("bundle %d: bad entry length" % n)
        out.append(data[i + 2:i + 2 + ln])
        i += 2 + ln
    if len(out) != w:
        raise Bad("bundle %d: %d entries, expected %d" % (n, len(out), w))
    return out


# ---------------------------------------------------------------- entries (formats.md)
ENTRY_KEYS = {
    "manifest": ["manifest", "signature"],
    "ceremony": ["documents", "election_id", "signature"],
    "ballot": ["ballot", "certificate", "signature"],
    "close": ["election_id", "log_size", "signature", "time"],
    "decryption": ["document", "election_id", "signature", "trustee"],
    "result": ["close_index", "counted", "election_id", "signature", "totals"],
}


def parse_entry(raw):
    obj = canonical_json(raw)
    t = obj.get("type")
    if t not in ENTRY_KEYS:
        raise Bad("unknown entry type %r" % t)
    keys(obj, ENTRY_KEYS[t] + ["type", "version"], "%s entry" % t)
    if obj["version"] != 1:
        raise Bad("version")
    return obj


def parse_manifest(m):
    keys(m, ["version", "election_id", "title", "chain", "poll", "contests", "trustees", "officials_key",
             "roll", "jpki_ca", "election_key", "trustee_keys", "ceremony_hash"], "sealed manifest")
    if m["version"] != 1:
        raise Bad("manifest version")
    keys(m["chain"], ["origin", "url", "vkey"], "chain")
    keys(m["poll"], ["opens", "closes"], "poll")
    keys(m["trustees"], ["n", "t"], "trustees")
    n, t = m["trustees"]["n"], m["trustees"]["t"]
    if not (1 <= t <= n <= 64):
        raise Bad("threshold")
    if not isinstance(m["contests"], list) or not 1 <= len(m["contests"]) <= 50:
        raise Bad("contests")
    for c in m["contests"]:
        keys(c, ["id", "title", "min", "max", "options"], "contest")
        if not (0 <= c["min"] <= c["max"] and 1 <= c["max"] <= len(c["options"]) <= 100):
            raise Bad("contest %s limits" % c["id"])
    keys(m["roll"], ["count", "sha256"], "roll")
    if len(m["trustee_keys"]) != n:
        raise Bad("trustee_keys")
    return {
        "K": dec(b64u(m["election_key"], 33, "election_key")),
        "X": [dec(b64u(x, 33, "trustee key")) for x in m["trustee_keys"]],
        "officials": b64u(m["officials_key"], 32, "officials_key"),
        "ceremony_hash": hexs(m["ceremony_hash"], 32, "ceremony_hash"),
        "jpki_ca": [hexs(x, 32, "jpki_ca") for x in m["jpki_ca"]],
        "roll_sha": hexs(m["roll"]["sha256"], 32, "roll.sha256"),
    }


def check_range_proof(raw, lo, hi, tag, eh, vb, contest, option, K, Kb, alpha, beta):
    """crypto.md "Range proofs", "Verification"."""
    n = hi - lo + 1
    if len(raw) != 130 * n:
        raise Bad("proof length %d, expected %d" % (len(raw), 130 * n))
    br = []
    pts = []
    for i in range(n):
        o = raw[130 * i:130 * (i + 1)]
        br.append((dec(o[:33]), dec(o[33:66]), scalar(o[66:98]), scalar(o[98:130])))
        pts += [o[:33], o[33:66]]
    c = challenge(tag, eh, vb, u32(contest), u32(option), u32(lo), u32(hi), Kb, enc(alpha), enc(beta), *pts)
    if sum(b[2] for b in br) % Q != c:
        raise Bad("challenges do not sum to c")
    for i, (a, b, cj, vj) in enumerate(br):
        j = lo + i
        # v_j G - c_j alpha = a_j ; v_j K - c_j (beta - jG) = b_j
        if not eq(mul2(vj, G, Q - cj, alpha), a):
            raise Bad("branch %d: v*G != a + c*alpha" % j)
        lhs = jadd(mul2(vj, K, Q - cj, beta), mul(cj * j % Q, G))
        if not eq(lhs, b):
            raise Bad("branch %d: v*K != b + c*(beta - j*G)" % j)


def load_certs(path):
    with open(path, "rb") as f:
        data = f.read()
    if b"-----BEGIN" in data:
        return [(c.public_bytes(serialization.Encoding.DER), c) for c in _pem_certs(data)]
    c = x509.load_der_x509_certificate(data)
    return [(data, c)]


def _pem_certs(data):
    out = []
    for m in re.finditer(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\r?\n?", data, re.S):
        out.append(x509.load_pem_x509_certificate(m.group(0)))
    return out


def cert_time(c, which):
    v = getattr(c, which + "_utc", None)
    if v is None:
        v = getattr(c, which).replace(tzinfo=datetime.timezone.utc)
    return v


def crl_time(crl, which):
    v = getattr(crl, which + "_utc", None)
    if v is None:
        v = getattr(crl, which)
        v = v.replace(tzinfo=datetime.timezone.utc) if v else None
    return v


def signed_by(child_sig, child_tbs, child_hash, ca_key):
    if isinstance(ca_key, rsa.RSAPublicKey):
        ca_key.verify(child_sig, child_tbs, padding.PKCS1v15(), child_hash)
    elif isinstance(ca_key, ec.EllipticCurvePublicKey):
        ca_key.verify(child_sig, child_tbs, ec.ECDSA(child_hash))
    elif isinstance(ca_key, ed25519.Ed25519PublicKey):
        ca_key.verify(child_sig, child_tbs)
    else:
        raise Bad("unsupported CA key type")


def main(argv):
    args = {"roll": None, "ca": [], "crl": None, "election-hash": None, "policy": None}
    pos = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--") and a[2:] in args and i + 1 < len(argv):
            if a == "--ca":
                args["ca"].append(argv[i + 1])
            else:
                args[a[2:]] = argv[i + 1]
            i += 2
        elif a.startswith("--"):
            print("usage: independent-verifier.py MIRROR --roll FILE --ca FILE [--crl FILE] "
                  "[--election-hash HEX]", file=sys.stderr)
            return 1
        else:
            pos.append(a)
            i += 1
    if len(pos) != 1 or not args["roll"] or not args["ca"]:
        print("usage: independent-verifier.py MIRROR --roll FILE --ca FILE [--crl FILE]", file=sys.stderr)
        return 1
    mirror = pos[0]
    rep = Report()
    try:
        return verify(mirror, args, rep)
    except OSError as e:
        print("# cannot read an input: %s" % e)
        print("1..%d" % rep.n)
        print("# verified: nothing")
        return 4
    except (Bad, Malformed) as e:
        print("# cannot read the record: %s" % e)
        print("1..%d" % rep.n)
        print("# verified: nothing")
        return 2


def verify(mirror, args, rep):
    # ---- §2 entry 0, read untrusted to get the chain key
    with open(os.path.join(mirror, "checkpoint"), "rb") as f:
        note = f.read()
    # the size is needed to find bundle 0; the note's signature is checked below
    body_lines = note.split(b"\n")
    size0 = int(body_lines[1])
    tiles = {}
    first = read_bundle(mirror, 0, size0)
    e0 = rep.check(0, "entry.parse", lambda: parse_entry(first[0]))
    if not e0 or e0["type"] != "manifest":
        rep.ok(0, "entry.position", False, "entry 0 is not a manifest")
        raise Bad("entry 0")
    man = e0["manifest"]
    M = canon(man)
    mf = rep.check(0, "entry.parse", lambda: parse_manifest(man))
    if not mf:
        raise Bad("manifest")
    eid = man["election_id"]
    hE = digest(b"ippyo/v1/election-base-hash", M)
    draft = dict(man)
    for k in ("election_key", "trustee_keys", "ceremony_hash"):
        del draft[k]
    context = digest(b"ippyo/v1/election-draft-hash", canon(draft))
    Kb = enc(mf["K"])
    rep.check(0, "manifest.signature", lambda: officials_verify(e0, mf["officials"]))
    if args["election-hash"]:
        rep.ok(0, "manifest.pinned", args["election-hash"] == hE.hex(), "h_E %s" % hE.hex())
    vk = rep.check(0, "manifest.chain-key", lambda: parse_vkey(man["chain"]["vkey"]))
    if not vk:
        raise Bad("chain key")

    # verification.md §2: a malformed roll file stops the run (exit 2); a well-formed
    # one that is not the manifest's breaks manifest.roll and is still used for ballot.roll.
    with open(args["roll"], "rb") as f:
        rollraw = f.read()
    lines = rollraw.split(b"\n")
    if not rollraw or lines[-1] != b"" or any(not re.match(rb"^[0-9a-f]{64}$", ln) for ln in lines[:-1]) \
            or lines[:-1] != sorted(set(lines[:-1])):
        raise Malformed("the roll file breaks its format (formats.md, \"Voter roll\")")
    roll = set(ln.decode() for ln in lines[:-1])
    rep.ok(0, "manifest.roll", hashlib.sha256(rollraw).digest() == mf["roll_sha"] and
           len(roll) == man["roll"]["count"], "roll.sha256 and roll.count")

    cas = []
    for path in args["ca"]:
        for der, c in load_certs(path):
            fp = hashlib.sha256(der).digest()
            if rep.ok(0, "manifest.ca", fp in mf["jpki_ca"], "CA %s (%s)" % (fp.hex()[:16], path)):
                cas.append(c)
    crl = None
    if args["crl"]:
        with open(args["crl"], "rb") as f:
            data = f.read()
        crl = x509.load_pem_x509_crl(data) if b"-----BEGIN" in data else x509.load_der_x509_crl(data)

    # ---- §3 the checkpoint
    name, kid, pub = vk
    text = rep.check(None, "checkpoint.signature", lambda: open_note(note, name, kid, pub))
    if not text:
        return stop(rep, "the checkpoint's signature")

    def body():
        lines = text.decode().split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(ln == "" for ln in lines[3:-1]):
            raise Bad("checkpoint body shape")
        if not re.match(r"^(0|[1-9][0-9]*)$", lines[1]):
            raise Bad("size")
        s = int(lines[1])
        if s < 1:
            raise Bad("size 0")
        r = b64std(lines[2])
        if len(r) != 32:
            raise Bad("root length")
        return lines[0], s, r
    cp = rep.check(None, "checkpoint.format", body)
    if not cp:
        return stop(rep, "the checkpoint's format")
    origin, size, root = cp
    if not rep.ok(None, "checkpoint.origin", origin == man["chain"]["origin"] and name == origin,
                  "origin %s" % origin):
        return stop(rep, "the checkpoint's origin")
    if size != size0:
        raise Bad("checkpoint changed")
    cp_time = None
    if args["policy"]:
        with open(args["policy"], "rb") as f:
            praw = f.read()

        def quorum():
            logs, wit, groups, q = parse_policy(praw)
            if not any(parse_vkey(v)[0] == origin and parse_vkey(v)[2] == pub for v in logs):
                raise Bad("the policy lists no log with the manifest's chain key")
            got = cosignatures(note, text, wit)
            if not quorum_met(q, wit, groups, got):
                raise Bad("quorum %s not met (cosigned by %s)" % (q, sorted(got)))
            return got
        got = rep.check(None, "checkpoint.quorum", quorum)
        if got and got is not True:
            cp_time = datetime.datetime.fromtimestamp(min(got.values()), datetime.timezone.utc)

    # ---- §5 the tree
    rep.check(None, "tree.tiles", lambda: None if root_from_tiles(mirror, size, tiles) == root
              else (_ for _ in ()).throw(Bad("root from the tiles is not the checkpoint root")))
    entries = []
    nb = (size + 255) // 256
    for n in range(nb):
        b = rep.check(None, "mirror.bundle", lambda: read_bundle(mirror, n, size))
        if not b:
            raise Bad("bundle %d" % n)
        entries += b
    leaves = [hashlib.sha256(b"\x00" + e).digest() for e in entries]
    leaf_ok = [True] * size
    for n in range(nb):
        try:
            tile = read_tile(mirror, 0, n, size, tiles)
        except (Bad, OSError) as e:
            rep.ok(None, "tree.leaf", False, "level-0 tile %d: %s" % (n, e))
            continue
        for k, h in enumerate(tile):
            i = 256 * n + k
            if leaves[i] != h:
                leaf_ok[i] = False
                rep.ok(i, "tree.leaf", False, "the entry is not the leaf the signed tree holds")
    rep.ok(None, "tree.leaf", all(leaf_ok), "%d leaves against the level-0 tiles" % size)
    rep.ok(None, "tree.root", mth(leaves) == root, "root recomputed from %d entries" % size)

    # ---- entries in order
    T_lo = parse_time(man["poll"]["opens"])
    parsed = [e0]
    for i in range(1, size):
        parsed.append(rep.check(i, "entry.parse", lambda: parse_entry(entries[i])))
    close_index = None
    close_time = None
    for i, o in enumerate(parsed):
        if o and o["type"] == "close" and close_index is None:
            close_index = i
            try:
                close_time = parse_time(o["time"])
            except Bad:
                pass
    first_ballot = next((i for i, o in enumerate(parsed) if o and o["type"] == "ballot"), None)

    all_commitments = []
    first_ceremony = None
    ceremony_seen = False
    voters = {}          # fp -> (index, ciphertexts)
    ballots_checked = 0
    decryptions = {}     # trustee -> shares (D_j per contest, option)
    agg = None
    HA = None
    counted = None
    result_done = False
    totals_out = None
    result_ok = False
    for i, o in enumerate(parsed):
        if i == 0 or not o:
            continue
        t = o["type"]
        # verification.md §5: a ballot's election_id (inside the ballot), or the entry's field
        oid = o["ballot"].get("election_id") if t == "ballot" and isinstance(o["ballot"], dict) else \
            o.get("election_id", eid)
        if t != "ballot" or oid != eid:
            rep.ok(i, "entry.election", oid == eid, "election id %s" % oid)
        if t == "manifest":
            rep.ok(i, "entry.position", False, "a manifest entry after entry 0")
        elif t == "ceremony":
            ceremony_seen = True
            before = (first_ballot is None or i < first_ballot) and (close_index is None or i < close_index)
            rep.ok(i, "entry.position", before, "ceremony entry before the ballots and the close")
            rep.check(i, "ceremony.signature", lambda: officials_verify(o, mf["officials"]))

            def docs():
                got = []
                for d in o["documents"]:
                    keys(d, ["data", "name"], "document")
                    f = strict_json(b64u(d["data"], None, "data"))
                    if not isinstance(f, dict):
                        raise Bad("document %s is not an object" % d["name"])
                    if f.get("type") == "ippyo-ceremony-commitments":
                        got.append(parse_commitments(f, d["name"]))
                    elif f.get("type") != "ippyo-ceremony-result":
                        raise Bad("document %s: type %r" % (d["name"], f.get("type")))
                return got
            cs = rep.check(i, "ceremony.document", docs)
            if first_ceremony is None:
                first_ceremony = i
            all_commitments += cs or []
        elif t == "ballot":
            ballots_checked += 1
            if close_index is not None and i > close_index:
                rep.ok(i, "ballot.after-close", False, "a ballot after the close entry %d" % close_index)
            if i < close_index if close_index is not None else True:
                pass
            # verification.md §7 (no state file: no earlier checkpoints' times)
            if cp_time is not None:
                T_hi = cp_time
            elif close_index is not None and i < close_index and close_time:
                T_hi = close_time
            else:
                T_hi = datetime.datetime.now(datetime.timezone.utc)
            res = check_ballot(i, o, man, mf, hE, Kb, roll, cas, crl, T_lo, T_hi, rep)
            if res and (close_index is None or i < close_index):
                fp, cts = res
                voters[fp] = (i, cts)
        elif t == "close":
            if i != close_index:
                rep.ok(i, "close.duplicate", False, "a second close entry (the first is %d)" % close_index)
                continue
            rep.check(i, "close.signature", lambda: officials_verify(o, mf["officials"]))
            rep.ok(i, "close.log-size", integer(o["log_size"], "log_size", 1) <= i,
                   "log_size %d, index %d" % (o["log_size"], i))
            # §8 the aggregate, once every ballot before the close is known
            counted = len(voters)
            agg = []
            for ci, c in enumerate(man["contests"]):
                row = []
                for oi in range(len(c["options"])):
                    a = b = None
                    for fp in voters:
                        al, be = voters[fp][1][ci][oi]
                        a, b = jadd(a, al), jadd(b, be)
                    row.append((a, b))
                agg.append(row)
            if counted == 0:
                # verification.md §8: no counted ballot, no aggregate document (every
                # total is O, which has no encoding): nothing to decrypt.
                agg = None
                continue
            els = [hE, u64(i), u64(counted)]
            for row in agg:
                for a, b in row:
                    els += [enc(a), enc(b)]
            HA = digest(b"ippyo/v1/aggregate", *els)
        elif t == "decryption":
            # verification.md §9: an entry before the close is not checked further
            if not rep.ok(i, "decryption.before-close", close_index is not None and i > close_index,
                          "after the close entry"):
                continue
            if not rep.check(i, "decryption.signature", lambda: officials_verify(o, mf["officials"])):
                continue
            j = o["trustee"]
            if j in decryptions:
                rep.ok(i, "decryption.duplicate", False, "trustee %d again" % j)
                continue
            doc = rep.check(i, "decryption.document",
                            lambda: parse_partial(o, man, eid, hE))
            if not doc:
                continue
            if agg is None:
                rep.ok(i, "decryption.proof", False, "no aggregate (no ballot counted before the close)")
                continue
            ds = rep.check(i, "decryption.proof", lambda: check_partial(doc, j, mf, hE, HA, agg))
            if ds:
                decryptions[j] = ds
        elif t == "result":
            if result_done:
                rep.ok(i, "result.duplicate", False, "a second result entry")
                continue
            if not rep.ok(i, "result.before-close", close_index is not None and i > close_index,
                          "after the close"):
                continue    # verification.md §10: not checked further
            result_done = True
            good = [rep.check(i, "result.signature", lambda: officials_verify(o, mf["officials"]))]
            good.append(rep.ok(i, "result.close-index", o["close_index"] == close_index,
                               "close_index %s" % o["close_index"]))
            good.append(rep.ok(i, "result.counted", o["counted"] == counted, "counted %s" % o["counted"]))
            S = sorted(decryptions)
            good.append(rep.ok(i, "result.decryptions", len(S) >= man["trustees"]["t"],
                               "%d valid decryptions, t = %d" % (len(S), man["trustees"]["t"])))
            if agg is not None and len(S) >= man["trustees"]["t"]:
                good.append(rep.check(i, "result.total", lambda: check_result(o, man, agg, decryptions, S)))
            totals_out = o["totals"]
            result_ok = all(good)
    if ceremony_seen:
        # reported at the first ceremony entry (what ippyo-tally verify does)
        commitments = {}

        def ceremony():
            n, t = man["trustees"]["n"], man["trustees"]["t"]
            for c in all_commitments:
                if c["index"] in commitments:
                    raise Bad("trustee %d: two commitments files" % c["index"])
                commitments[c["index"]] = c
            for c in commitments.values():
                if c["context"] != context or c["t"] != t or c["n"] != n or not 1 <= c["index"] <= n:
                    raise Bad("trustee %d: commitments for another context, t or n" % c["index"])
            if sorted(commitments) != list(range(1, n + 1)):
                raise Bad("commitments of trustees %s, expected 1..%d" % (sorted(commitments), n))
            for c in commitments.values():
                for k, (A, Ab, R, z) in enumerate(c["coef"] + [c["enc"]]):
                    kk = k if k < t else 0xffffffff
                    cc = challenge(b"ippyo/v1/schnorr", context, u32(c["index"]), u32(kk), enc(G), Ab, enc(R),)
                    if not eq(mul(z, G), jadd(R, mul(cc, A))):
                        raise Bad("trustee %d: Schnorr proof %d does not verify" % (c["index"], k))
            return True
        if rep.check(first_ceremony, "ceremony.commitments", ceremony):
            def result():
                n, t = man["trustees"]["n"], man["trustees"]["t"]
                K = None
                for c in commitments.values():
                    K = jadd(K, c["coef"][0][0])
                if not eq(K, mf["K"]):
                    raise Bad("K is not the manifest's election_key")
                for j in range(1, n + 1):
                    X = None
                    for c in commitments.values():
                        for k in range(t):
                            X = jadd(X, mul(pow(j, k, Q), c["coef"][k][0]))
                    if not eq(X, mf["X"][j - 1]):
                        raise Bad("X_%d is not the manifest's trustee key" % j)
                els = [context, u32(t), u32(n)]
                for j in range(1, n + 1):
                    c = commitments[j]
                    els.append(u32(j))
                    for A, Ab, R, z in c["coef"] + [c["enc"]]:
                        els += [Ab, c["proofs"][Ab]]
                if digest(b"ippyo/v1/ceremony-transcript", *els) != mf["ceremony_hash"]:
                    raise Bad("the transcript hash is not the manifest's ceremony_hash")
            rep.check(first_ceremony, "ceremony.result", result)

    print("1..%d" % rep.n)
    nf = len(rep.failures)
    res = "result %s" % json.dumps(totals_out, separators=(",", ":")) if totals_out is not None and result_ok \
        else "no verified result"
    print("# verified: %s election %s, h_E %s, size %d, %d ballots checked, counted %s, %s%s" % (
        "FAILED (%d broken)" % nf if nf else "OK", eid, hE.hex(), size, ballots_checked,
        counted if counted is not None else "-", res, "" if crl else ", revocation not checked (no CRL)"))
    return 3 if nf else 0


def stop(rep, what):
    """verification.md §3: nothing else can be trusted; a broken rule (exit 3)."""
    print("1..%d" % rep.n)
    print("# verified: FAILED (%s: the run stops)" % what)
    return 3


def parse_commitments(f, name):
    """ceremony.md "Files", commitments file."""
    keys(f, ["version", "type", "context", "threshold", "trustees", "index", "commitments", "encryption_key"],
         name)
    check_ints(f)
    if f["version"] != 1:
        raise Bad("%s: version" % name)
    proofs = {}

    def one(o):
        keys(o, ["point", "proof"], name)
        Ab = b64u(o["point"], 33, "point")
        pr = b64u(o["proof"], 65, "proof")
        proofs[Ab] = pr
        return (dec(Ab), Ab, dec(pr[:33]), scalar(pr[33:]))
    coef = [one(o) for o in f["commitments"]]
    if len(coef) != f["threshold"]:
        raise Bad("%s: %d commitments, t = %d" % (name, len(coef), f["threshold"]))
    return {"index": f["index"], "context": b64u(f["context"], 32, "context"), "t": f["threshold"],
            "n": f["trustees"], "coef": coef, "enc": one(f["encryption_key"]), "proofs": proofs}


def check_ballot(i, o, man, mf, hE, Kb, roll, cas, crl, T_lo, T_hi, rep):
    """verification.md §7. Returns (fp, ciphertexts) when every rule holds."""
    ok = True
    ballot = o["ballot"]
    bb = canon(ballot)

    def cert_fmt():
        der = b64u(o["certificate"], None, "certificate")
        if not 1 <= len(der) <= 4096:
            raise Bad("certificate length")
        c = x509.load_der_x509_certificate(der)
        if c.public_bytes(serialization.Encoding.DER) != der:
            raise Bad("not exactly one DER certificate")
        return der, c
    r = rep.check(i, "ballot.cert-format", cert_fmt)
    if not r:
        return None
    der, cert = r
    fp = hashlib.sha256(der).hexdigest()
    nb, na = cert_time(cert, "not_valid_before"), cert_time(cert, "not_valid_after")
    Tstar = min(T_hi, na)
    # verification.md §7: expired from the notAfter second on, at T* = min(T_hi, notAfter).
    dates = rep.ok(i, "ballot.cert-expired", na > T_hi and na >= T_lo, "notAfter %s" % na)
    dates &= rep.ok(i, "ballot.cert-not-yet-valid", nb <= T_hi, "notBefore %s" % nb)
    ok &= dates

    def chain():
        for ca in cas:
            if ca.subject != cert.issuer:
                continue
            signed_by(cert.signature, cert.tbs_certificate_bytes, cert.signature_hash_algorithm, ca.public_key())
            if not cert_time(ca, "not_valid_before") <= Tstar <= cert_time(ca, "not_valid_after"):
                raise Bad("the CA is not valid at T*")
            try:
                bc = ca.extensions.get_extension_for_class(x509.BasicConstraints).value
                if not bc.ca:
                    raise Bad("the issuer is not a CA")
            except x509.ExtensionNotFound:
                pass
            try:
                if not ca.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign:
                    raise Bad("the CA's keyUsage has no keyCertSign")
            except x509.ExtensionNotFound:
                pass
            if not nb <= Tstar <= na:
                raise Bad("the certificate is not valid at T*")
            # verification.md §7: an unknown critical extension breaks the path (RFC 5280
            # §4.2); the card certificate signs and is no CA.
            for c in (cert, ca):
                for ext in c.extensions:
                    if ext.critical and isinstance(ext.value, x509.UnrecognizedExtension):
                        raise Bad("unknown critical extension %s" % ext.oid.dotted_string)
            try:
                ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
                if not ku.digital_signature or ku.key_cert_sign:
                    raise Bad("the card certificate's keyUsage does not sign, or signs certificates")
            except x509.ExtensionNotFound:
                pass
            try:
                if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
                    raise Bad("the card certificate is a CA")
            except x509.ExtensionNotFound:
                pass
            return ca
        raise Bad("no pinned CA issued the certificate")
    # verification.md §7: a certificate failing its own dates is not path-checked.
    ca = rep.check(i, "ballot.cert-chain", chain) if dates else None
    if crl is not None and ca:
        def crl_ok():
            if crl.issuer != ca.subject or not crl.is_signature_valid(ca.public_key()):
                raise Bad("the CRL is not signed by the CA")
            lu, nu = crl_time(crl, "last_update"), crl_time(crl, "next_update")
            if not (lu <= Tstar and (nu is None or Tstar <= nu)):
                raise Bad("the CRL is not current at T* %s" % Tstar)
        ok &= bool(rep.check(i, "ballot.crl", crl_ok))
        ok &= rep.ok(i, "ballot.cert-revoked", crl.get_revoked_certificate_by_serial_number(cert.serial_number) is None,
                     "serial %x" % cert.serial_number)
    ok &= bool(ca)
    ok &= rep.ok(i, "ballot.roll", fp in roll, "voter %s" % fp[:16])

    def card_sig():
        key = cert.public_key()
        if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
            raise Bad("not an RSA key of at least 2048 bits")
        sig = b64u(o["signature"], None, "signature")
        if len(sig) != (key.key_size + 7) // 8:
            raise Bad("signature length")
        key.verify(sig, bb, padding.PKCS1v15(), hashes.SHA256())
    ok &= bool(rep.check(i, "ballot.card-signature", card_sig))
    if not rep.ok(i, "ballot.election", isinstance(ballot, dict) and ballot.get("election_id") == man["election_id"]
                  and ballot.get("election_hash") == hE.hex(), "election id and h_E"):
        return None    # verification.md §7: a ballot of another election is not parsed further

    def shape():
        keys(ballot, ["contests", "election_hash", "election_id", "version", "voter"], "ballot")
        if ballot["version"] != 1:
            raise Bad("ballot version")
        hexs(ballot["voter"], 32, "voter")
        if len(ballot["contests"]) != len(man["contests"]):
            raise Bad("number of contests")
        out = []
        for ci, (bc, mc) in enumerate(zip(ballot["contests"], man["contests"])):
            keys(bc, ["proof", "selections"], "contest %d" % ci)
            if len(bc["selections"]) != len(mc["options"]):
                raise Bad("contest %d: number of selections" % ci)
            sels = []
            for s in bc["selections"]:
                raw = b64u(s, 326, "selection")
                sels.append((dec(raw[:33]), dec(raw[33:66]), raw[66:]))
            proof = b64u(bc["proof"], 130 * (mc["max"] - mc["min"] + 1), "contest proof")
            out.append((sels, proof))
        return out
    parsed = rep.check(i, "ballot.parse", shape)
    if not parsed:
        return None
    ok &= rep.ok(i, "ballot.voter", ballot["voter"] == fp, "voter is the certificate's fingerprint")
    vb = bytes.fromhex(fp)

    def proofs():
        K = mf["K"]
        for ci, ((sels, cproof), mc) in enumerate(zip(parsed, man["contests"])):
            sa = sb = None
            for oi, (al, be, pr) in enumerate(sels):
                try:
                    check_range_proof(pr, 0, 1, b"ippyo/v1/selection-proof", hE, vb, ci, oi, K, Kb, al, be)
                except Bad as e:
                    raise Bad("contest %d option %d: %s" % (ci, oi, e))
                sa, sb = jadd(sa, al), jadd(sb, be)
            try:
                check_range_proof(cproof, mc["min"], mc["max"], b"ippyo/v1/contest-proof", hE, vb, ci,
                                  0xffffffff, K, Kb, sa, sb)
            except Bad as e:
                raise Bad("contest %d: %s" % (ci, e))
    ok &= bool(rep.check(i, "ballot.proof", proofs))
    if not ok:
        return None
    return fp, [[(al, be) for al, be, _ in sels] for sels, _ in parsed]


def parse_partial(o, man, eid, hE):
    """verification.md §9: the partial decryption document."""
    raw = b64u(o["document"], None, "document")
    d = canonical_json(raw)
    keys(d, ["aggregate", "election_hash", "election_id", "shares", "trustee", "type", "version"], "document")
    if d["type"] != "ippyo-partial-decryption" or d["version"] != 1:
        raise Bad("document type or version")
    if d["election_id"] != eid or d["election_hash"] != hE.hex():
        raise Bad("document for another election")
    if d["trustee"] != o["trustee"]:
        raise Bad("document of trustee %s in an entry of trustee %s" % (d["trustee"], o["trustee"]))
    if len(d["shares"]) != len(man["contests"]) or any(
            len(r) != len(c["options"]) for r, c in zip(d["shares"], man["contests"])):
        raise Bad("shares shape")
    # verification.md §9: the shares' encodings belong to the document
    d["parsed"] = []
    for row in d["shares"]:
        prow = []
        for sh in row:
            raw = b64u(sh, 131, "share")
            prow.append((raw, dec(raw[:33]), dec(raw[33:66]), dec(raw[66:99]), scalar(raw[99:])))
        d["parsed"].append(prow)
    return d


def check_partial(d, j, mf, hE, HA, agg):
    if hexs(d["aggregate"], 32, "aggregate") != HA:
        raise Bad("its aggregate is not H_A of the record's aggregate")
    if not 1 <= j <= len(mf["X"]):
        raise Bad("trustee index")
    X = mf["X"][j - 1]
    Xb = enc(X)
    out = []
    for ci, row in enumerate(d["parsed"]):
        orow = []
        for oi, (raw, D, a, b, z) in enumerate(row):
            alpha = agg[ci][oi][0]
            c = challenge(b"ippyo/v1/chaum-pedersen", hE, u32(j), enc(G), Xb, enc(alpha), raw[:33],
                          raw[33:66], raw[66:99])
            if not eq(mul(z, G), jadd(a, mul(c, X))) or not eq(mul(z, alpha), jadd(b, mul(c, D))):
                raise Bad("contest %d option %d: the Chaum-Pedersen proof does not verify" % (ci, oi))
            orow.append(D)
        out.append(orow)
    return out


def check_result(o, man, agg, decs, S):
    tot = o["totals"]
    if len(tot) != len(man["contests"]) or any(len(r) != len(c["options"]) for r, c in zip(tot, man["contests"])):
        raise Bad("totals shape")
    lam = {}
    for j in S:
        num = den = 1
        for m in S:
            if m != j:
                num = num * m % Q
                den = den * (m - j) % Q
        lam[j] = num * pow(den, -1, Q) % Q
    bad = []
    for ci, row in enumerate(agg):
        for oi, (a, b) in enumerate(row):
            M = b
            for j in S:
                M = jadd(M, jneg(mul(lam[j], decs[j][ci][oi])))
            want = mul(integer(tot[ci][oi], "total"), G)
            if not (M is None and want is None) and (M is None or want is None or not eq(M, want)):
                bad.append("contest %d option %d: total %d is not the decryption" % (ci, oi, tot[ci][oi]))
    if bad:
        raise Bad("; ".join(bad))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
