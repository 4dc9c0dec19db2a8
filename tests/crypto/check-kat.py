#!/usr/bin/env python3
"""Independent check of tests/vectors/crypto-kat.json, written from docs/crypto.md alone.

Python's hashlib and integers only (P-256 in affine coordinates, slow and not
constant time: fine for public test data). Prints TAP.
"""
import hashlib
import json
import os
import struct
import sys

P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff
Q = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b
GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296
GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5
G = (GX, GY)


def add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        lam = (3 * a[0] * a[0] - 3) * pow(2 * a[1], -1, P) % P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (lam * lam - a[0] - b[0]) % P
    return (x, (lam * (a[0] - x) - a[1]) % P)


def mul(k, pt):
    r = None
    for bit in bin(k % Q)[2:]:
        r = add(r, r)
        if bit == '1':
            r = add(r, pt)
    return r


def neg(pt):
    return None if pt is None else (pt[0], (-pt[1]) % P)


def enc(pt):
    return bytes([2 | (pt[1] & 1)]) + pt[0].to_bytes(32, 'big')


def dec(b):
    assert len(b) == 33 and b[0] in (2, 3)
    x = int.from_bytes(b[1:], 'big')
    assert x < P
    y = pow((x * x * x - 3 * x + B) % P, (P + 1) // 4, P)
    assert y * y % P == (x * x * x - 3 * x + B) % P, "not on the curve"
    if (y & 1) != (b[0] & 1):
        y = P - y
    return (x, y)


def transcript(tag, *elements):
    out = struct.pack('>I', len(tag)) + tag
    for e in elements:
        out += struct.pack('>I', len(e)) + e
    return out


def challenge(data):
    return int.from_bytes(hashlib.sha512(data).digest(), 'big') % Q


def u32(v):
    return struct.pack('>I', v)


def sc(v):
    return (v % Q).to_bytes(32, 'big')


def check_proof(raw, lo, hi, tag, eh, vb, contest, option, K, alpha, beta):
    n = hi - lo + 1
    assert len(raw) == 130 * n
    branches = []
    pts = []
    for i in range(n):
        o = raw[130 * i:130 * (i + 1)]
        a, b = dec(o[:33]), dec(o[33:66])
        c, v = int.from_bytes(o[66:98], 'big'), int.from_bytes(o[98:130], 'big')
        assert c < Q and v < Q
        branches.append((a, b, c, v))
        pts += [o[:33], o[33:66]]
    t = transcript(tag, eh, vb, u32(contest), u32(option), u32(lo), u32(hi),
                   enc(K), enc(alpha), enc(beta), *pts)
    c = challenge(t)
    assert sum(br[2] for br in branches) % Q == c, "challenges do not add up"
    for i, (a, b, cj, vj) in enumerate(branches):
        j = lo + i
        assert mul(vj, G) == add(a, mul(cj, alpha)), "v_j G != a_j + c_j alpha"
        assert mul(vj, K) == add(b, mul(cj, add(beta, neg(mul(j, G))))), "b_j equation"
    return c


def main():
    src = os.environ.get('IPPYO_SOURCE_DIR', os.path.join(os.path.dirname(__file__), '..', '..'))
    with open(os.path.join(src, 'tests', 'vectors', 'crypto-kat.json')) as f:
        v = json.load(f)
    inp, encs, tr, sd, sel = (v['inputs'], v['encodings'], v['transcript'],
                              v['seed_derivation'], v['selection'])
    h = bytes.fromhex
    checks = []

    def ok(name, cond):
        checks.append((name, cond))

    s = int(inp['election_secret'], 16)
    K = mul(s, G)
    ok('G encoding', enc(G).hex() == encs['G'])
    ok('2G encoding', enc(add(G, G)).hex() == encs['2G'])
    ok('K = s*G', enc(K).hex() == encs['K'])
    ok('q - 1', sc(Q - 1).hex() == encs['q_minus_1'])

    t = transcript(b'ippyo/v1/kat', b'abc', u32(7), struct.pack('>Q', 1 << 40), enc(G), sc(Q - 1))
    ok('transcript bytes', t.hex() == tr['bytes'])
    ok('transcript sha256', hashlib.sha256(t).hexdigest() == tr['sha256'])
    ok('transcript challenge', sc(challenge(t)).hex() == tr['challenge'])

    seed, eh, vb = h(inp['seed']), h(inp['election_hash']), h(inp['voter_binding'])

    def derive(purpose, contest, option, counter):
        return challenge(transcript(b'ippyo/v1/ballot-seed', seed, eh, vb, purpose,
                                    u32(contest), u32(option), u32(counter)))

    r = derive(b'encrypt', 2, 5, 0)
    ok('seed encrypt', sc(r).hex() == sd['encrypt_2_5_0'])
    ok('seed selection-proof', sc(derive(b'selection-proof', 2, 5, 1)).hex()
       == sd['selection-proof_2_5_1'])
    ok('seed contest-proof', sc(derive(b'contest-proof', 2, 0xffffffff, 3)).hex()
       == sd['contest-proof_2_contest_3'])

    alpha, beta = mul(r, G), add(mul(inp['vote'], G), mul(r, K))
    ok('ciphertext', (enc(alpha) + enc(beta)).hex() == sel['ciphertext'])
    try:
        c = check_proof(h(sel['selection_proof']), 0, 1, b'ippyo/v1/selection-proof', eh, vb,
                        2, 5, K, alpha, beta)
        ok('selection proof verifies', sc(c).hex() == sel['selection_challenge'])
    except AssertionError as e:
        ok('selection proof verifies: %s' % e, False)
    try:
        c = check_proof(h(sel['contest_proof']), inp['contest_min'], inp['contest_max'],
                        b'ippyo/v1/contest-proof', eh, vb, 2, 0xffffffff, K, alpha, beta)
        ok('contest proof verifies', sc(c).hex() == sel['contest_challenge'])
    except AssertionError as e:
        ok('contest proof verifies: %s' % e, False)
    # and a wrong binding is refused
    try:
        check_proof(h(sel['selection_proof']), 0, 1, b'ippyo/v1/selection-proof', eh,
                    bytes([vb[0] ^ 1]) + vb[1:], 2, 5, K, alpha, beta)
        ok('another voter binding is refused', False)
    except AssertionError:
        ok('another voter binding is refused', True)

    print('1..%d' % len(checks))
    for i, (name, cond) in enumerate(checks, 1):
        print('%s %d - %s' % ('ok' if cond else 'not ok', i, name))
    return 0 if all(c for _, c in checks) else 1


if __name__ == '__main__':
    sys.exit(main())
