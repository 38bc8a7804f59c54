#!/usr/bin/env python3
"""Regenerates reference-symbols.json: QR symbols from an independent encoder, Project Nayuki's
qrcodegen 1.8.0 for Python (MIT licence; `pip install qrcodegen==1.8.0`), to compare module for
module with ours. The mask is fixed per case because encoders read the standard's mask penalty
rule 3 differently; everything else (codewords, interleaving, placement, format and version
information) is unambiguous. Like our encoder, non-ASCII text gets an ECI header for UTF-8
(assignment number 26) in front of the byte segment. Run from this folder:
python3 make-reference-symbols.py
"""
import json

from qrcodegen import QrCode, QrSegment

LEVELS = {"L": QrCode.Ecc.LOW, "M": QrCode.Ecc.MEDIUM, "Q": QrCode.Ecc.QUARTILE, "H": QrCode.Ecc.HIGH}
ASSET_URL = "https://mw.example.com/assets/6F1C0A2B-3D4E-4F50-8A9B-0C1D2E3F4A5B/request"
LONG_URL = "https://mw.example.com/assets/6F1C0A2B-3D4E-4F50-8A9B-0C1D2E3F4A5B/request?" + "&".join(
    f"field{i}=value-{i:03d}" for i in range(13)
)
CASES = [
    ("version 1-M, short text, mask 2", "Pump P-101", "M", 2),
    ("asset URL at Q, mask 5", ASSET_URL, "Q", 5),
    ("UTF-8 text with ECI header at H, mask 6", "Grüße aus Köln – café, 日本", "H", 6),
    ("first version with version information (7-M), mask 0", "x" * 122, "M", 0),
    ("300-byte URL at M with two block groups, mask 3", LONG_URL, "M", 3),
    ("version 40-L at full capacity, mask 7", "".join(chr(33 + (i * 7) % 90) for i in range(2953)), "L", 7),
]

symbols = []
for name, text, level, mask in CASES:
    data = text.encode("utf-8")
    segments = ([] if data.isascii() else [QrSegment.make_eci(26)]) + [QrSegment.make_bytes(data)]
    code = QrCode.encode_segments(segments, LEVELS[level], boostecl=False, mask=mask)
    size = code.get_size()
    rows = ["".join("1" if code.get_module(x, y) else "0" for x in range(size)) for y in range(size)]
    symbols.append({"name": name, "text": text, "errorCorrection": level, "mask": mask, "version": code.get_version(), "rows": rows})

with open("reference-symbols.json", "w", encoding="utf-8") as out:
    json.dump(symbols, out, ensure_ascii=False, indent=1)
    out.write("\n")
