#!/usr/bin/env python3
# Writes the seed corpora in corpus/: small, valid examples of what each target reads (a
# credential, a CWT, a trust list, a batch, the registry's answers), built by hand so they need
# no station to make. Run from this folder; the fuzzers grow their own corpora from these.
import gzip
import json
import os
import struct
import zlib


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    if n < 256:
        return bytes([major << 5 | 24, n])
    if n < 65536:
        return bytes([major << 5 | 25]) + struct.pack('>H', n)
    if n < 2**32:
        return bytes([major << 5 | 26]) + struct.pack('>I', n)
    return bytes([major << 5 | 27]) + struct.pack('>Q', n)


def enc(x):
    if isinstance(x, bool):
        return bytes([0xf5 if x else 0xf4])
    if x is None:
        return bytes([0xf6])
    if isinstance(x, int):
        return head(0, x) if x >= 0 else head(1, -1 - x)
    if isinstance(x, bytes):
        return head(2, len(x)) + x
    if isinstance(x, str):
        b = x.encode()
        return head(3, len(b)) + b
    if isinstance(x, list):
        return head(4, len(x)) + b''.join(enc(i) for i in x)
    if isinstance(x, dict):
        return head(5, len(x)) + b''.join(enc(k) + enc(v) for k, v in x.items())
    if isinstance(x, tuple) and x[0] == 'tag':
        return head(6, x[1]) + enc(x[2])
    raise TypeError(x)


B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45(data):
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = n % 45, n // 45
        d, e = n % 45, n // 45
        out += [B45[c], B45[d], B45[e]]
    if len(data) % 2:
        n = data[-1]
        out += [B45[n % 45], B45[n // 45]]
    return ''.join(out)


def w(d, name, data):
    if isinstance(data, str):
        data = data.encode()
    os.makedirs(os.path.join('corpus', d), exist_ok=True)
    with open(os.path.join('corpus', d, name), 'wb') as f:
        f.write(data)


claim = {1: "PEW-A01-0000123-7", 4: "Ayesha Khan", 8: "1990-04-12", 9: 2,
         10: "Peshawar, Khyber Pakhtunkhwa", 13: "PK", 16: "+923001234567"}
cwt = {1: "kp-station-A01", 4: 1900000000, 5: 1700000000, 6: 1700000000, 169: claim}
protected = enc({1: -8, 4: b"kid-a01"})
cose = enc(('tag', 18, [protected, {}, enc(cwt), bytes(64)]))
cose_es = enc(('tag', 18, [enc({1: -7}), {4: b"k"}, enc(cwt), bytes(64)]))
text = "KP1:" + b45(zlib.compress(cose, 9))

w('base45', 'empty', b'')
w('base45', 'hello', b45(b'Hello!!'))
w('base45', 'odd', b45(b'\x00\xff\x10'))
w('base45', 'credential', text[4:])
w('base45', 'bad-char', 'ab#')

w('cbor', 'cwt', enc(cwt))
w('cbor', 'cose', cose)
w('cbor', 'scalars', enc([0, 23, 24, 255, 65535, 2**32, -1, -500, True, False, None, "", b""]))
w('cbor', 'nested', enc([[[[{"a": [1, {2: 3}]}]]]]))
w('cbor', 'indefinite', bytes([0x9f, 1, 2, 0xff]))

w('cose', 'sign1-eddsa', cose)
w('cose', 'sign1-es256', cose_es)
w('cose', 'credential-text', text)
w('cose', 'untagged', enc([protected, {}, enc(cwt), bytes(64)]))

w('claim169', 'cwt', enc(cwt))
w('claim169', 'claim-only', enc(claim))
w('claim169', 'with-photo', enc({169: {**claim, 17: b'\x89PNG....', 18: 1,
                                       50: [{1: b'tpl', 2: 1, 3: 2}]}}))

root = {"id": "kp-registry-root-0123456789abcdef", "public_key": "11" * 32, "development": False}
cert = {"kid": "kid-a01", "station_code": "A01", "alg": "EdDSA", "public_key": "22" * 32,
        "not_before": 1700000000, "not_after": 1900000000, "root_id": root["id"],
        "signature": "33" * 64}
w('trust', 'roots', json.dumps({"format": "khyber-pass-trust-list", "version": 1,
                                "roots": [root]}))
w('trust', 'full', json.dumps({"format": "khyber-pass-trust-list", "version": 3, "roots": [root],
                               "certificates": [cert], "revoked": ["kid-old"]}))
w('trust', 'wrong-format', json.dumps({"format": "other"}))

payload = json.dumps({"cnic": "1730100007001", "name": "Ayesha Khan", "district": "PEW"})
rec = {"kp_id": "PEW-A01-0000123-7", "content_hash": "ab" * 32, "decision": "approved",
       "reason": None, "decided_by": "supervisor", "decided_at": 1764160000, "payload": payload,
       "biometrics_sealed": "AAAA"}
batch = json.dumps({"records": [rec, dict(rec, kp_id="PEW-A01-0000124-5", decision="rejected",
                                          reason="blurred-photo")]})
w('registry-request', 'batch.json', batch)
w('registry-request', 'batch.json.gz', gzip.compress(batch.encode(), 9, mtime=0))
w('registry-request', 'status.json', json.dumps({"kp_ids": ["PEW-A01-0000123-7",
                                                            "PEW-A01-0000124-5"]}))
w('registry-request', 'provision.json', json.dumps({"code": "TEST-CODE-1", "kid": "kid-a01",
                                                    "station_code": "A01",
                                                    "public_key": "22" * 32}))
w('registry-request', 'faults.json', json.dumps({"mode": "slow", "count": 1, "delay_ms": 300}))

w('sync-answer', 'time.json', json.dumps({"server_time": 1764160000,
                                          "registry_id": "kp-registry-0123",
                                          "box_public_key": "44" * 32}))
w('sync-answer', 'batch.json', json.dumps({"server_time": 1764160000, "results": [
    {"kp_id": "PEW-A01-0000123-7", "status": "accepted"},
    {"kp_id": "PEW-A01-0000124-5", "status": "duplicate", "duplicate_of": "PEW-A01-0000001-X",
     "same_record": False, "reason": "cnic-enrolled"},
    {"kp_id": "PEW-A01-0000125-3", "status": "rejected", "reason": "invalid-cnic"}]}))
w('sync-answer', 'provision.json', json.dumps({
    "station_id": "kid-a01", "access_token": "55" * 32, "registry_id": "kp-registry-0123",
    "box_public_key": "44" * 32,
    "trust_list": {"format": "khyber-pass-trust-list", "version": 2, "roots": [root],
                   "certificates": [cert]}}))
w('sync-answer', 'error.json', json.dumps({"error": "clock-skew",
                                           "message": "The station's clock differs.",
                                           "server_time": 1764160000}))

# The face in a credential (Claim 169 key 62): the first byte is the image sub-format (0 PNG,
# 1 JPEG, 4 WebP), then the image. Two 42 x 54 grey WebP images written by libwebp 1.2.4
# (WebPEncodeRGB at quality 40, WebPEncodeLosslessRGB), one cut short, and images whose headers
# claim more pixels than a face may have.
webp_lossy = bytes.fromhex(
    '52494646fc0000005745425056503820f0000000d008009d012a2a0036003ed55aa24da82923223d54680120'
    '1a8969000510218af8bc9cba1ad4e3d7a0f6acd4c078397ac9c243e31a2e7e011c08876a48b9161f24fdff47'
    '411d65680300961b0d0d0000fef88b76d58a47da7daa56bcf40e94fd6979baad7374ff790763ad83e9abbf23'
    '602d30377df458b06f1981afc4f230bbf3e46b33e8ef427b43acc0e498440668b192177fcb664af6097ca1b1'
    '2487abe1a5622a24a02c6e44407895742d38d00742fb2f4d3f9a651e5a76185182df73c93dd4bd00a3f3d4af'
    '5393a3cad0896609717e3c4df1582183e1195e600f7c92c84f0ba3c25d197e6177044e2def400000'
)
webp_lossless = bytes.fromhex(
    '524946460a010000574542505650384cfd0000002f29400d00cd9421a2ff01b8b6ad27536e92f525154ee5d0'
    'b9b7b4ded1392fc91350ba97eeee4e189f49beffebe822620240720de4fedb0c7beffda68049ef9701a0cbfb'
    '9364a6fc3202ebfc630233cb882cfb649b5b4634a5991696c198b2a554500aaca61442e697795eab8a691b92'
    '02b3290688312e647a99ebbc19802284a4c06e505c88b6728aca302e627182abe74f112290e232282941dbb8'
    'a5219e01940e418ac718c7b1d6cf31a8081cd86b8febcf20300cfbad31bd296db9704eb5216de4111c03bc10'
    'e98206a277c0b824001822a21b00508484d893d1564e6c22c689510431f109682b8791cf38318a2086954b5b'
    '39bc4cc689510431dc00'
)


def png_chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))


def png(width, height, rows):
    return (b'\x89PNG\r\n\x1a\n'
            + png_chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0))
            + png_chunk(b'IDAT', zlib.compress(rows)) + png_chunk(b'IEND', b''))


vp8l = b'\x2f' + struct.pack('<I', 16383 | (16383 << 14)) + b'\x00' * 8
huge_webp = (b'RIFF' + struct.pack('<I', 4 + 8 + len(vp8l)) + b'WEBP' + b'VP8L'
             + struct.pack('<I', len(vp8l)) + vp8l)
w('card-face', 'face-lossy', b'\x04' + webp_lossy)
w('card-face', 'face-lossless', b'\x04' + webp_lossless)
w('card-face', 'face-truncated', b'\x04' + webp_lossy[:len(webp_lossy) // 2])
w('card-face', 'face-huge-webp', b'\x04' + huge_webp)
w('card-face', 'face-huge-png', b'\x00' + png(20000, 20000, b'\x00' * 20001))
w('card-face', 'face-small-png',
  b'\x00' + png(4, 4, b''.join(b'\x00' + bytes([i * 60] * 4) for i in range(4))))
w('card-face', 'face-jpeg-garbage', b'\x01\xff\xd8\xff\xe0garbage')
w('card-face', 'face-unknown-format', b'\x06WSQ?')
