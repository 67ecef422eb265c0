"""Hostile input files, generated: every way an untrusted .xlsx, .docx, .pdf, plan or holiday
notice can be broken, crafted or oversized. ``build_cases`` writes them into a folder and says
which reader each one is for; ``hostile_runner`` feeds them to the real imports.

Everything is generated from a seeded random source, so a failure names a file that the next
run builds again byte for byte.
"""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl

from gongkai_desktop.reports.excel.ledger_documents import DOCUMENT_HEADERS
from gongkai_desktop.reports.excel.ledger_items import ITEM_HEADERS
from gongkai_desktop.reports.excel.requests_ledger import CASE_HEADERS, REQUEST_HEADERS

MB = 1024 * 1024
XLSX_KINDS: dict[str, tuple[str, ...]] = {
    "requests": tuple(REQUEST_HEADERS),
    "items": tuple(ITEM_HEADERS),
    "documents": tuple(DOCUMENT_HEADERS),
    "cases": tuple(CASE_HEADERS),
}
SAMPLE_ROWS: dict[str, list[object]] = {
    "requests": ["A-1", "2025-03-03", "网络", "自然人", "张三", "某文件", "开发指导处"],
    "items": ["某事项", "部门预算", "主动公开", None, "开发指导处", "2021-02-05"],
    "documents": ["赣乡振规〔2021〕1号", "办法", "开发指导处", "2021-03-01", None, "现行有效",
                  None, "否", "否"],
    "cases": ["F-1", "行政复议", "2025-04-01"],
}  # fmt: skip
PLAN_LINES = ["一、加大公开力度", "1.加大决策公开。（牵头部门：综合处）", "第一条 为规范管理，制定本办法。"]
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
PARAMETER_ENTITY = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'


@dataclass(frozen=True)
class Case:
    """One hostile file and the reader it is fed to."""

    name: str
    target: str  # an xlsx kind, "policy", "plan" or "holidays"
    path: Path


Members = list[tuple[zipfile.ZipInfo | str, bytes]]


def _members(data: bytes) -> Members:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _zip(path: Path, members: Members) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of some cases
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return path


def _xlsx_bytes(kind: str, rows: Iterable[list[object]] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(XLSX_KINDS[kind]))
    for row in rows if rows is not None else [SAMPLE_ROWS[kind]]:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _docx_bytes(lines: Iterable[str] = PLAN_LINES) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _replace(members: Members, name: str, change: Callable[[bytes], bytes]) -> Members:
    return [(n, change(d) if n == name else d) for n, d in members]


def _with_prolog(prolog: bytes) -> Callable[[bytes], bytes]:
    """Put a DTD before the root element of a part (after its XML declaration, if any)."""

    def change(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return prolog + body

    return change


def _raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of already-deflated members: (name, raw deflate data, crc32, declared size)."""
    import struct

    out = bytearray()
    central = bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data),
                           size, len(encoded), 0)  # fmt: skip
        out += encoded + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, offset)  # fmt: skip
        central += encoded
    start = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central),
                       start, 0)  # fmt: skip
    path.write_bytes(bytes(out))
    return path


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def _zeros(size: int) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MB)
    parts, crc = [], 0
    for _ in range(size // MB):
        parts.append(packer.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    parts.append(packer.flush())
    return b"".join(parts), crc, size


def _random_strings(rng: random.Random, count: int, width: int) -> bytes:
    letters = b"abcdefghijklmnopqrstuvwxyz0123456789"
    return b"".join(
        b"<si><t>" + bytes(rng.choice(letters) for _ in range(width)) + b"</t></si>"
        for _ in range(count)
    )


# --- zip attacks common to .xlsx and .docx ---------------------------------------------------


def _zip_attacks(base: bytes, main_part: str, suffix: str, rng: random.Random,
                 bomb: tuple[bytes, int, int]) -> dict[str, Callable[[Path], Path]]:  # fmt: skip
    """Name → writer of each zip-level attack on a valid file ``base``."""
    members = _members(base)
    types = members[[n for n, _ in members].index("[Content_Types].xml")][1]

    def slip(name: str) -> Callable[[Path], Path]:
        return lambda p: _zip(p, [*members, (name, b"<x/>")])

    def truncated(fraction: float) -> Callable[[Path], Path]:
        def write(p: Path) -> Path:
            p.write_bytes(base[: int(len(base) * fraction)])
            return p

        return write

    def tampered(p: Path) -> Path:
        _zip(p, members)
        data = bytearray(p.read_bytes())
        with zipfile.ZipFile(p) as archive:
            info = archive.getinfo(main_part)
        start = info.header_offset + 30 + len(info.filename.encode())
        data[start + info.compress_size // 2] ^= 0xFF
        p.write_bytes(bytes(data))
        return p

    def link(p: Path) -> Path:
        info = zipfile.ZipInfo(f"media/link{suffix}")
        info.external_attr = 0o120777 << 16
        return _zip(p, [*members, (info, b"../../../../etc/passwd")])

    def encrypted(p: Path) -> Path:
        _zip(p, members)
        data = bytearray(p.read_bytes())
        with zipfile.ZipFile(p) as archive:
            for info in archive.infolist():
                data[info.header_offset + 6] |= 0x1
        # the central directory's flag bits too
        pos = data.find(b"PK\x01\x02")
        while pos >= 0:
            data[pos + 8] |= 0x1
            pos = data.find(b"PK\x01\x02", pos + 4)
        p.write_bytes(bytes(data))
        return p

    def many(p: Path) -> Path:
        return _zip(p, [*members, *((f"x/{i}.bin", b"") for i in range(12_000))])

    def random_bytes(p: Path) -> Path:
        p.write_bytes(bytes(rng.getrandbits(8) for _ in range(20_000)))
        return p

    def pk_garbage(p: Path) -> Path:
        p.write_bytes(b"PK\x03\x04" + bytes(rng.getrandbits(8) for _ in range(5_000)))
        return p

    attacks: dict[str, Callable[[Path], Path]] = {
        "zip-bomb-1GiB": lambda p: _raw_zip(p, [("[Content_Types].xml", *_deflated(types)),
                                                (main_part, *bomb)]),  # fmt: skip
        "many-members": many,
        "slip-dotdot": slip("../../evil.xml"),
        "slip-absolute": slip("/tmp/evil.xml"),
        "slip-drive": slip("C:/Windows/evil.xml"),
        "slip-backslash": slip("a\\..\\..\\evil.xml"),
        "slip-nested": slip(f"{main_part.split('/')[0]}/../../../evil.xml"),
        "symlink": link,
        "duplicate-name": lambda p: _zip(p, [*members, (main_part, b"<x/>")]),
        "case-collision": lambda p: _zip(p, [*members, (main_part.upper(), b"<x/>")]),
        "crc-tampered": tampered,
        "encrypted-flag": encrypted,
        "no-content-types": lambda p: _zip(p, [m for m in members if m[0] != "[Content_Types].xml"]),
        "truncated-10": truncated(0.1),
        "truncated-50": truncated(0.5),
        "truncated-95": truncated(0.95),
        "empty-file": lambda p: (p.write_bytes(b""), p)[1],
        "random-bytes": random_bytes,
        "pk-garbage": pk_garbage,
        "pdf-renamed": lambda p: (p.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"), p)[1],
        "billion-laughs": lambda p: _zip(p, _replace(members, main_part, _with_prolog(BILLION_LAUGHS))),
        "xxe-system": lambda p: _zip(p, _replace(members, main_part, _with_prolog(XXE))),
        "parameter-entity": lambda p: _zip(p, _replace(members, main_part, _with_prolog(PARAMETER_ENTITY))),
        "dtd-content-types": lambda p: _zip(p, _replace(members, "[Content_Types].xml", _with_prolog(XXE))),
        "dtd-rels": lambda p: _zip(p, _replace(members, "_rels/.rels", _with_prolog(BILLION_LAUGHS))),
        "control-char-ref": lambda p: _zip(p, _replace(members, main_part,
                                                       lambda d: d.replace(b"</", b"&#1;</", 1))),
        "not-xml": lambda p: _zip(p, _replace(members, main_part, lambda d: b"\x00\x01<<<" + d[:50])),
    }  # fmt: skip
    return attacks


# --- .xlsx -----------------------------------------------------------------------------------


def _xlsx_cases(out: Path, rng: random.Random, bomb: tuple[bytes, int, int]) -> list[Case]:
    cases: list[Case] = []
    for kind, headers in XLSX_KINDS.items():
        base = _xlsx_bytes(kind)
        attacks = _zip_attacks(base, "xl/worksheets/sheet1.xml", ".png", rng, bomb)
        other = next(k for k in XLSX_KINDS if k != kind)
        sample = SAMPLE_ROWS[kind]
        attacks |= {
            "docx-renamed": lambda p: (p.write_bytes(_docx_bytes()), p)[1],
            "other-template": lambda p, o=other: (p.write_bytes(_xlsx_bytes(o)), p)[1],
            "missing-column": lambda p, h=headers: (p.write_bytes(_headers_only(h[:-1])), p)[1],
            "extra-column": lambda p, h=headers: (p.write_bytes(_headers_only((*h, "多余"))), p)[1],
            "header-only": lambda p, h=headers: (p.write_bytes(_headers_only(h)), p)[1],
            "huge-cell": lambda p, k=kind, s=sample: _huge_cell(p, k, s),
            "control-chars-in-cells": lambda p, k=kind, s=sample: _cell_text(
                p, k, s, "\u202e\u0007" + str(s[0]) + "\u200b\u0001\u0002"),
            "dates-out-of-range": lambda p, k=kind, s=sample: (
                p.write_bytes(_xlsx_bytes(k, [_with(s, DATE_COLUMN[k], "9999-99-99")])), p)[1],
            "year-0001": lambda p, k=kind, s=sample: (
                p.write_bytes(_xlsx_bytes(k, [_with(s, DATE_COLUMN[k], "0001-01-01")])), p)[1],
        }  # fmt: skip
        for name, write in attacks.items():
            cases.append(Case(f"{kind}/{name}", kind, write(out / f"{kind}-{name}.xlsx")))
    cases += _xlsx_capacity_cases(out, rng)
    return cases


DATE_COLUMN = {"requests": 1, "items": 5, "documents": 3, "cases": 2}


def _with(row: list[object], index: int, value: object) -> list[object]:
    changed = list(row)
    changed[index] = value
    return changed


def _headers_only(headers: Iterable[str]) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(list(headers))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _huge_cell(path: Path, kind: str, sample: list[object]) -> Path:
    """A text cell of 100 000 characters (openpyxl itself would cut it, so written as XML)."""
    return _cell_text(path, kind, sample, "公开" * 50_000)


def _cell_text(path: Path, kind: str, sample: list[object], text: str) -> Path:
    """The first cell's text written straight into the XML (openpyxl refuses or cuts it)."""
    members = _members(_xlsx_bytes(kind, [["PLACEHOLDER", *sample[1:]]]))
    return _zip(path, [(n, d.replace(b"PLACEHOLDER", text.encode())) for n, d in members])


def _wired_shared_strings(members: Members, strings: bytes) -> Members:
    """``members`` with a shared-strings part openpyxl loads, its first string as cell A1."""
    import re

    def types(data: bytes) -> bytes:
        return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                            b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                            b'sharedStrings+xml"/></Types>')  # fmt: skip

    def rels(data: bytes) -> bytes:
        return data.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.'
                            b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
                            b' Target="sharedStrings.xml"/></Relationships>')  # fmt: skip

    def sheet(data: bytes) -> bytes:
        return re.sub(rb'<c r="A1"[^>]*>.*?</c>', b'<c r="A1" t="s"><v>0</v></c>', data, count=1)

    changed = _replace(members, "[Content_Types].xml", types)
    changed = _replace(changed, "xl/_rels/workbook.xml.rels", rels)
    changed = _replace(changed, "xl/worksheets/sheet1.xml", sheet)
    return [*changed, ("xl/sharedStrings.xml", strings)]


def _xlsx_capacity_cases(out: Path, rng: random.Random) -> list[Case]:
    """Files within the whole-file limits whose parts would make openpyxl build too much."""
    cases = []
    base = _members(_xlsx_bytes("requests"))
    # A 4 MB workbook whose 1.2 million shared strings unpack to some 30 MB.
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += _random_strings(rng, 1_200_000, 6) + b"</sst>"
    path = _zip(out / "requests-shared-strings-1.2M.xlsx", [*base, ("xl/sharedStrings.xml", strings)])
    cases.append(Case("requests/shared-strings-1.2M", "requests", path))
    # Shared strings inflating past their part's cap (declared size: 450 MB).
    path = _raw_zip(out / "requests-shared-strings-450MB.xlsx", [
        ("[Content_Types].xml", *_deflated(dict(base)["[Content_Types].xml"])),
        ("xl/sharedStrings.xml", *_zeros(450 * MB)[:2], 450 * MB),
    ])  # fmt: skip
    cases.append(Case("requests/shared-strings-450MB", "requests", path))
    # 1 000 000 rows of one cell each, without a <dimension> to warn of them.
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, rng.getrandbits(30))
                    for i in range(1, 1_000_001))  # fmt: skip
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<sheetData>" + rows + b"</sheetData></worksheet>")  # fmt: skip
    path = _zip(out / "requests-rows-1M.xlsx", _replace(base, "xl/worksheets/sheet1.xml", lambda _: sheet))
    cases.append(Case("requests/rows-1M", "requests", path))
    # Styles part of 3 million formats.
    styles = b"<styleSheet><cellXfs>" + b"<xf/>" * 3_000_000 + b"</cellXfs></styleSheet>"
    path = _zip(out / "requests-styles-3M.xlsx", _replace(base, "xl/styles.xml", lambda _: styles))
    cases.append(Case("requests/styles-3M", "requests", path))
    # Just inside the caps, so that the parsers really run: 950 000 shared strings under a wrong
    # header, and 20 000 rows whose dates are all wrong (20 000 row errors).
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += _random_strings(rng, 950_000, 8) + b"</sst>"
    path = _zip(out / "requests-shared-strings-950k.xlsx", _wired_shared_strings(base, strings))
    cases.append(Case("requests/at-caps-shared-strings-950k", "requests", path))
    path = out / "requests-rows-20k-bad-dates.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(list(XLSX_KINDS["requests"]))
    for i in range(20_000):
        ws.append([f"R-{i}", "2025-02-30", "网络", "自然人", "张三", "某文件", "开发指导处"])
    wb.save(path)
    cases.append(Case("requests/at-caps-rows-20k-bad-dates", "requests", path))
    # Numbers no column allows (a row error each, never a traceback).
    for column, value in (("收费金额", 1e30), ("征求意见工作日数", 10**12), ("延期工作日数", 1e300),
                          ("征求意见工作日数", 1_000_000), ("收费金额", "9" * 400)):  # fmt: skip
        row = list(SAMPLE_ROWS["requests"])
        row += [None] * (len(XLSX_KINDS["requests"]) - len(row))
        row[list(XLSX_KINDS["requests"]).index(column)] = value
        path = out / f"requests-range-{column}-{str(value)[:8]}.xlsx"
        path.write_bytes(_xlsx_bytes("requests", [row]))
        cases.append(Case(f"requests/range-{column}-{str(value)[:8]}", "requests", path))
    return cases


# --- .docx (policy documents and plans) ------------------------------------------------------


def _docx_cases(out: Path, rng: random.Random, bomb: tuple[bytes, int, int]) -> list[Case]:
    cases: list[Case] = []
    base = _docx_bytes()
    members = _members(base)
    attacks = _zip_attacks(base, "word/document.xml", ".png", rng, bomb)
    namespace = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def body(inner: bytes) -> Callable[[Path], Path]:
        xml = b"<w:document " + namespace + b"><w:body>" + inner + b"</w:body></w:document>"
        return lambda p: _zip(p, _replace(members, "word/document.xml", lambda _: xml))

    attacks |= {
        "paragraphs-100k": body(b"<w:p/>" * 100_000),
        "runs-1.5M": body(b"<w:p>" + b"<w:r/>" * 1_500_000 + b"</w:p>"),
        "nesting-5000": body(b"<w:tbl><w:tr><w:tc>" * 5000 + b"</w:tc></w:tr></w:tbl>" * 5000),
        "xlsx-renamed": lambda p: (p.write_bytes(_xlsx_bytes("requests")), p)[1],
        "dtd-styles": lambda p: _zip(p, _replace(members, "word/styles.xml", _with_prolog(XXE))),
        "at-caps-paragraphs-49k": body(b"".join(
            b'<w:p><w:r><w:t xml:space="preserve">'
            + "".join(rng.choice(" \t\u3000\u00a0\u2002") for _ in range(12)).encode()
            + b"</w:t></w:r></w:p>" for _ in range(49_000))),
        "huge-text-6M": body(b"<w:p><w:r><w:t>" + "政".encode() * 6_000_000 + b"</w:t></w:r></w:p>"),
    }
    for target in ("policy", "plan"):
        for name, write in attacks.items():
            cases.append(Case(f"{target}-docx/{name}", target, write(out / f"{target}-{name}.docx")))
    return cases


# --- .pdf --------------------------------------------------------------------------------------


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(data: bytes, compress: bool = True) -> bytes:
    if compress:
        packed = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _pdf_page(content: bytes, compress: bool = True) -> bytes:
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content, compress),
        font,
    ])  # fmt: skip


def _pdf_cases(out: Path, rng: random.Random) -> list[Case]:
    good = _pdf_page(b"BT /F1 12 Tf 72 720 Td (Policy text) Tj ET")
    pages = 600
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    many_pages = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                       b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
                       *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"] * pages])  # fmt: skip
    loop = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])  # fmt: skip
    objects_300k = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                         b"<< /Type /Pages /Kids [] /Count 0 >>", *[b"1"] * 300_000])  # fmt: skip
    files = {
        "header-garbage": b"%PDF-1.4\n" + bytes(rng.getrandbits(8) for _ in range(10_000)),
        "truncated-30": good[: len(good) * 3 // 10],
        "truncated-70": good[: len(good) * 7 // 10],
        "no-header": good.replace(b"%PDF-1.7", b"%XYZ-1.7"),
        "pages-600": many_pages,
        "page-tree-loop": loop,
        "objects-300k": objects_300k,
        "content-bomb": _pdf_page(b"BT /F1 1 Tf " + b"(a) Tj 0 1 Td " * 3_000_000 + b"ET"),
        "operators-2M": _pdf_page(b"q Q " * 2_000_000),
        "nested-arrays": _pdf_page(b"[" * 100_000 + b"]" * 100_000),
        "no-text": _pdf_page(b"0 0 m 10 10 l S"),
        "at-caps-500-pages-no-text": _pdf([
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + i) for i in range(500))
            + b"] /Count 500 >>",
            *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
              % (503 + i) for i in range(500)],
            *[_stream(b"0 0 m 500 800 l S " * 2000)] * 500,
        ]),
        "xlsx-renamed": _xlsx_bytes("requests"),
    }
    cases = []
    for name, data in files.items():
        path = out / f"policy-{name}.pdf"
        path.write_bytes(data)
        cases.append(Case(f"policy-pdf/{name}", "policy", path))
    return cases


# --- text files: policy .txt, plan .txt, holiday notices ---------------------------------------


def _text_cases(out: Path, rng: random.Random) -> list[Case]:
    binary = bytes(rng.getrandbits(8) for _ in range(50_000))
    texts = {
        "binary": binary,
        "nul-bytes": "正文\x00\x00\x00".encode() * 1000,
        "control-only": bytes(range(1, 32)) * 100,
        "empty": b"",
        "utf16-without-bom": "一、任务\n1.公开".encode("utf-16-le"),
        "zip-renamed": _docx_bytes(),
    }
    cases = []
    for target, suffix in (("policy", ".txt"), ("plan", ".txt"), ("holidays", ".txt")):
        for name, data in texts.items():
            path = out / f"{target}-{name}{suffix}"
            path.write_bytes(data)
            cases.append(Case(f"{target}-txt/{name}", target, path))
    big = out / "plan-25MB.txt"
    big.write_bytes(("1.任务" * 10 + "\n").encode() * (25 * MB // 100))
    cases.append(Case("plan-txt/25MB", "plan", big))
    notice = out / "holidays-3MB.txt"
    notice.write_bytes("元旦：1月1日放假。\n".encode() * (3 * MB // 20))
    cases.append(Case("holidays-txt/3MB", "holidays", notice))
    for name, text in {
        "no-dates": "国务院办公厅关于某年部分节假日安排的通知\n各省、自治区、直辖市人民政府：",
        "impossible-dates": "一、元旦：13月45日放假，共3天。\n二、春节：2月30日至2月31日放假调休。",
    }.items():
        path = out / f"holidays-{name}.txt"
        path.write_text(text, encoding="utf-8")
        cases.append(Case(f"holidays-txt/{name}", "holidays", path))
    return cases


def build_cases(out: Path, seed: int = 20261202) -> list[Case]:
    """Write every hostile file into ``out``; returns them with their readers."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    bomb = _zeros(1024 * MB)
    return [
        *_xlsx_cases(out, rng, bomb),
        *_docx_cases(out, rng, bomb),
        *_pdf_cases(out, rng),
        *_text_cases(out, rng),
    ]
