"""The one check of every zip-based input (.xlsx, .docx, packages), before anything parses it.

``check_zip_file`` / ``check_zip_stream`` read only the archive's directory (never inflating a
member) and refuse a file that is too big, holds too many members, would inflate too far in
total or in any one member (each kind of member has its own cap), compresses beyond a sane
ratio (zip bombs), names a path outside the archive (absolute, ``..``, drive letters), holds a
symbolic link, the same name twice (also differing only in case, which collide on Windows), is
encrypted or uses a compression Office never writes. This is enough for memory because Python's
``zipfile`` never returns more bytes than a member's declared size, so the declared sizes bound
what any parser can inflate later.

``scan_xml_parts`` then reads every XML part once, in chunks, within a ``ReadBudget``: it refuses
a DTD or an entity declaration (with defusedxml, before any real parser sees the part) and counts
elements and chosen tags (``ZipKind.counts``: shared strings, paragraphs …), stopping at the first
count past its limit, so a part that would build millions of objects is refused before it is
parsed.

The function and class names here are stable: other readers of zip files (the 报送包) call them.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import GongkaiError, InputTooLarge, ValidationError
from .budget import ReadBudget

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_BYTES = 50 * MB
MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 500 * MB
MAX_RATIO = 100
# Small members compress far better than 100:1 when they are mostly repeated markup (an empty
# styled sheet, say) and are harmless, so the ratio is only judged above this size.
RATIO_FLOOR = 1 * MB
# A prolog longer than this before the root element is not something an Office program writes.
MAX_PROLOG_BYTES = 64 * 1024
CHUNK = 1 * MB

_EOCD = b"PK\x05\x06"
_EOCD_STRUCT = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_STRUCT = struct.Struct("<4sLQL")
_ZIP64_EOCD = b"PK\x06\x06"
_ZIP64_EOCD_STRUCT = struct.Struct("<4sQ2H2L4Q")
_MIN_CENTRAL_ENTRY = 46  # bytes of a central directory entry with an empty name


@dataclass(frozen=True)
class ZipSummary:
    """What the archive's directory declares: member count and total sizes in bytes."""

    entries: int
    compressed: int
    uncompressed: int


@dataclass(frozen=True)
class XmlCount:
    """A tag counted in the XML members whose names match ``members`` (a regular expression)."""

    members: str
    tag: str  # local name, any namespace prefix: "si", "p", "row"
    limit: int
    what: str  # what the tag is, for the message: "共享字符串", "段落"


@dataclass(frozen=True)
class ZipKind:
    """A kind of zip input, as its limits and messages name it."""

    app: str  # the program the user saves the file with: "Excel", "Word"
    not_valid: str  # why the file is refused when it is no such file; {name} is the file name
    required_member: str | None = "[Content_Types].xml"
    # (member name pattern, largest inflated size) pairs, first match wins; else member_cap.
    member_caps: tuple[tuple[str, int], ...] = ()
    member_cap: int = MAX_UNCOMPRESSED
    counts: tuple[XmlCount, ...] = ()
    max_elements: int = 2_000_000  # elements of any one XML member (streamed ones excepted)
    # Members a streaming parser reads (worksheets): their tags are counted, but their element
    # total is not capped, as their reader holds only one row at a time.
    streamed: str = r"(?!)"
    allowed_compression: frozenset[int] = field(
        default=frozenset((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED))
    )

    def cap_of(self, member: str) -> int:
        for pattern, cap in self.member_caps:
            if re.fullmatch(pattern, member):
                return cap
        return self.member_cap


# Kept as a name: the xlsx and docx readers have always called their kind an "OfficePackage".
OfficePackage = ZipKind


@dataclass(frozen=True)
class ZipLimits:
    """The whole-file limits; each kind adds its per-member caps and counts."""

    max_bytes: int = MAX_BYTES
    max_entries: int = MAX_ENTRIES
    max_uncompressed: int = MAX_UNCOMPRESSED
    max_ratio: float = MAX_RATIO


def mb(size: int) -> str:
    """A size as the messages show it: 35 KB, 4.2 MB, 450 MB."""
    if size < MB:
        return f"{size / 1024:.0f} KB"
    return f"{size / MB:.1f} MB" if size < 10 * MB else f"{size / MB:.0f} MB"


def check_zip_file(
    path: str | os.PathLike[str], kind: ZipKind, limits: ZipLimits = ZipLimits()
) -> ZipSummary:
    """Refuse a zip file of ``kind`` that breaks a limit (see the module docstring).

    Only the zip directory is read. Raises ``InputTooLarge`` for a limit, ``ValidationError``
    for a file that is not such an archive or names an unsafe member.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise cannot_read(file, exc) from exc
    if size > limits.max_bytes:
        raise _too_large(kind.app, size, limits.max_bytes, file)
    try:
        fh = open(file, "rb")  # closed by the with block below
    except OSError as exc:
        raise cannot_read(file, exc) from exc
    with fh:
        return check_zip_stream(fh, size, file, kind, limits)


def check_zip_stream(
    fh: BinaryIO, size: int, file: Path, kind: ZipKind, limits: ZipLimits = ZipLimits()
) -> ZipSummary:
    """``check_zip_file`` on an open, seekable file of ``size`` bytes, such as ``io.BytesIO``
    over bytes already read; ``file`` names it in the messages."""
    name = file.name
    app = kind.app
    if size > limits.max_bytes:
        raise _too_large(app, size, limits.max_bytes, file)
    not_valid = ValidationError(kind.not_valid.format(name=name), path=str(file))
    try:
        declared = _declared_entries(fh, size)
    except OSError as exc:
        raise cannot_read(file, exc) from exc
    if declared is None:
        raise not_valid
    if declared > limits.max_entries:
        raise _too_many(app, name, declared, limits.max_entries, file)
    try:
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise not_valid from exc
    if len(infos) > limits.max_entries:
        raise _too_many(app, name, len(infos), limits.max_entries, file)

    total = compressed = 0
    seen: set[str] = set()
    folded: set[str] = set()
    for info in infos:
        member = info.filename
        if unsafe_member_name(member):
            raise ValidationError(
                f"文件“{name}”含有不安全的路径“{member}”，已拒绝打开", path=str(file), member=member
            )
        if member in seen or member.casefold() in folded:
            raise ValidationError(
                f"文件“{name}”中“{member}”重复出现，文件可能被篡改，已拒绝打开",
                path=str(file),
                member=member,
            )
        seen.add(member)
        folded.add(member.casefold())
        if is_link(info):
            raise ValidationError(
                f"文件“{name}”中的“{member}”是符号链接，已拒绝打开", path=str(file), member=member
            )
        if info.flag_bits & 0x1:
            raise ValidationError(f"文件“{name}”已加密，请先取消密码保护", path=str(file))
        if info.compress_type not in kind.allowed_compression:
            raise ValidationError(
                f"文件“{name}”使用了 {app} 不会使用的压缩方式，已拒绝打开", path=str(file)
            )
        cap = min(kind.cap_of(member), limits.max_uncompressed)
        if info.file_size > cap:
            raise _member_too_big(name, member, info.file_size, cap, file)
        ratio_limit = limits.max_ratio
        if info.file_size > RATIO_FLOOR and info.file_size > ratio_limit * max(
            info.compress_size, 1
        ):
            raise _bomb(name, info.file_size, info.compress_size, ratio_limit, file, member)
        total += info.file_size
        compressed += info.compress_size
    if total > limits.max_uncompressed:
        raise _too_big_inflated(name, total, limits.max_uncompressed, file)
    if total > RATIO_FLOOR and total > limits.max_ratio * max(compressed, 1):
        raise _bomb(name, total, compressed, limits.max_ratio, file, None)
    if kind.required_member is not None and kind.required_member not in seen:
        raise not_valid
    return ZipSummary(entries=len(infos), compressed=compressed, uncompressed=total)


def unsafe_member_name(member: str) -> bool:
    """True for a name that could land outside a folder it is extracted to, or is no name."""
    if not member or member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member):
        return True
    return ".." in re.split(r"[/\\]", member) or "\x00" in member


def is_link(info: zipfile.ZipInfo) -> bool:
    """True for a member stored as a symbolic link (Unix mode bits in the external attributes)."""
    return stat.S_ISLNK(info.external_attr >> 16)


_OTHER_XML = (r"(?i).*\.(xml|rels|vml)", 16 * MB)
XLSX = ZipKind(
    "Excel",
    "文件“{name}”不是有效的 Excel 工作簿（.xlsx）；如果是旧版 .xls 或加密的文件，"
    "请在 Excel 中另存为 .xlsx 后再导入",
    member_caps=(
        (r"xl/worksheets/[^/]+\.xml", 256 * MB),
        (r"xl/sharedStrings\.xml", 64 * MB),
        _OTHER_XML,
    ),
    member_cap=50 * MB,
    counts=(
        XmlCount(r"xl/sharedStrings\.xml", "si", 1_000_000, "共享字符串"),
        # The import refuses more than 200 000 data rows; a sheet declaring far more rows is
        # refused before it is read at all.
        XmlCount(r"xl/worksheets/[^/]+\.xml", "row", 250_000, "行"),
    ),
    max_elements=4_000_000,
    streamed=r"xl/worksheets/[^/]+\.xml",
)
DOCX = ZipKind(
    "Word",
    "文件“{name}”不是有效的 Word 文档（.docx）；如果是旧版 .doc 或加密的文件，"
    "请在 Word 中另存为 .docx 后再导入",
    member_caps=((r"word/document\.xml", 64 * MB), _OTHER_XML),
    member_cap=50 * MB,
    counts=(XmlCount(r"word/document\.xml", "p", 50_000, "段落"),),
    max_elements=1_000_000,
)


# --- the XML parts -----------------------------------------------------------------------------


def looks_like_xml(name: str, head: bytes) -> bool:
    """A member that is XML by its name or its first bytes."""
    if name.lower().endswith((".xml", ".rels", ".vml")):
        return True
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith((b"<", b"\xff\xfe", b"\xfe\xff"))


def scan_xml_parts(
    archive: zipfile.ZipFile,
    file: Path,
    kind: ZipKind,
    budget: ReadBudget | None = None,
    members: Iterable[zipfile.ZipInfo] | None = None,
) -> dict[str, int]:
    """Read every XML part of a checked archive once; refuse DTDs, entity declarations and parts
    with more elements or counted tags than ``kind`` allows. Returns the counts per tag (of the
    whole file: a count's limit holds for all its members together)."""
    budget = budget or ReadBudget(file)
    totals: dict[str, int] = {c.tag: 0 for c in kind.counts}
    for info in members if members is not None else archive.infolist():
        if info.is_dir():
            continue
        counts = [c for c in kind.counts if re.fullmatch(c.members, info.filename)]
        with archive.open(info) as member:
            head = member.read(4096)
            if not looks_like_xml(info.filename, head):
                continue
            _scan_member(member, head, info.filename, file, kind, counts, totals, budget)
    return totals


class _RootReached(Exception):
    """Raised by the prolog check's parser target at the first element: the prolog is over."""


class _StopAtRoot:
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


def _prolog_parser() -> object:
    try:
        from defusedxml.ElementTree import DefusedXMLParser
    except ImportError as exc:  # a frozen build that lost the module must not read unsafely
        raise GongkaiError(
            "安全组件 defusedxml 未生效，为防止恶意文件，已停止读取外部文件；请重新安装本软件",
            component="defusedxml",
        ) from exc
    return DefusedXMLParser(
        target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )


def _scan_member(
    member: BinaryIO,
    head: bytes,
    name: str,
    file: Path,
    kind: ZipKind,
    counts: list[XmlCount],
    totals: dict[str, int],
    budget: ReadBudget,
) -> None:
    from defusedxml import DefusedXmlException

    parser = _prolog_parser()
    in_prolog = True
    max_elements = (
        kind.max_elements if not re.fullmatch(kind.streamed, name) else 1 << 62
    )
    patterns = [
        (c, re.compile(rb"<(?:[\w.-]+:)?" + re.escape(c.tag.encode()) + rb"[\s>/]")) for c in counts
    ]
    elements = 0
    carry = b""
    read = 0
    chunk = head
    while chunk:
        budget.check()
        if in_prolog:
            try:
                parser.feed(chunk)  # type: ignore[attr-defined]
                if read + len(chunk) > MAX_PROLOG_BYTES:
                    raise ValidationError(kind.not_valid.format(name=file.name), path=str(file))
            except _RootReached:
                in_prolog = False
            except DefusedXmlException as exc:
                log.warning("refused %s (%s): %r", file, name, exc)
                raise ValidationError(
                    f"无法读取 {kind.app} 文件“{file.name}”：文件含有不允许的 XML 内容"
                    "（DTD 或实体定义），可能是恶意文件，已拒绝打开",
                    path=str(file),
                    member=name,
                ) from exc
            except (SyntaxError, ValueError) as exc:
                raise ValidationError(
                    kind.not_valid.format(name=file.name), path=str(file)
                ) from exc
        read += len(chunk)
        buf = carry + chunk
        cut = buf.rfind(b"<")
        if cut < 0 or len(buf) - cut > 256:
            cut = len(buf)
        whole, carry = buf[:cut], buf[cut:]
        elements += whole.count(b"<") - whole.count(b"</") - whole.count(b"<?") - whole.count(b"<!")
        if elements > max_elements:
            raise _too_many_elements(file, name, kind.max_elements, "XML 元素")
        for count, pattern in patterns:
            totals[count.tag] += len(pattern.findall(whole))
            if totals[count.tag] > count.limit:
                raise _too_many_elements(file, name, count.limit, count.what)
        chunk = member.read(CHUNK)
    whole = carry
    elements += whole.count(b"<") - whole.count(b"</")
    if elements > max_elements:
        raise _too_many_elements(file, name, kind.max_elements, "XML 元素")


# --- messages ----------------------------------------------------------------------------------


def cannot_read(file: Path, exc: OSError) -> ValidationError:
    return ValidationError(f"无法读取文件“{file.name}”：{exc.strerror or exc}", path=str(file))


def _too_large(app: str, size: int, limit: int, file: Path) -> InputTooLarge:
    return InputTooLarge(
        f"文件“{file.name}”过大（{mb(size)}），{app} 文件不能超过 {mb(limit)}",
        path=str(file),
        size=size,
        limit=limit,
    )


def _too_many(app: str, name: str, count: int, limit: int, file: Path) -> InputTooLarge:
    return InputTooLarge(
        f"文件“{name}”内含 {count} 个部件，超过上限 {limit} 个，不像正常的 {app} 文件，已拒绝打开",
        path=str(file),
        entries=count,
        limit=limit,
    )


def _too_big_inflated(name: str, size: int, limit: int, file: Path) -> InputTooLarge:
    return InputTooLarge(
        f"文件“{name}”解压后有 {mb(size)}，超过上限 {mb(limit)}，已拒绝打开",
        path=str(file),
        uncompressed=size,
        limit=limit,
    )


def _member_too_big(name: str, member: str, size: int, limit: int, file: Path) -> InputTooLarge:
    return InputTooLarge(
        f"文件“{name}”中的部件“{member}”解压后有 {mb(size)}，超过上限 {mb(limit)}，已拒绝打开",
        path=str(file),
        uncompressed=size,
        limit=limit,
        member=member,
    )


def _too_many_elements(file: Path, member: str, limit: int, what: str) -> InputTooLarge:
    return InputTooLarge(
        f"文件“{file.name}”中的“{member}”含有超过 {limit} 个{what}，不像正常的文件，已拒绝打开",
        path=str(file),
        member=member,
        limit=limit,
    )


def _bomb(
    name: str, size: int, packed: int, limit: float, file: Path, member: str | None
) -> InputTooLarge:
    ratio = size / max(packed, 1)
    return InputTooLarge(
        f"文件“{name}”的压缩比异常（{ratio:.0f}:1，上限 {limit:.0f}:1），疑似压缩炸弹，已拒绝打开",
        path=str(file),
        ratio=ratio,
        limit=limit,
        member=member,
    )


def _declared_entries(fh: BinaryIO, size: int) -> int | None:
    """The member count from the end-of-directory record, read without parsing the directory.

    A directory of a million tiny members would take seconds to parse; this refuses it at once.
    Returns None when the file has no zip end record.
    """
    if size < _EOCD_STRUCT.size:
        return None
    tail_len = min(size, _EOCD_STRUCT.size + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(_EOCD)
    if pos < 0 or len(tail) - pos < _EOCD_STRUCT.size:
        return None
    fields = _EOCD_STRUCT.unpack_from(tail, pos)
    entries, cd_size = fields[4], fields[5]
    if entries != 0xFFFF and cd_size != 0xFFFFFFFF:
        # A directory can hold no more entries than its byte size allows.
        return max(entries, 0) if cd_size >= entries * _MIN_CENTRAL_ENTRY else None
    loc = pos - _ZIP64_LOCATOR_STRUCT.size
    if loc < 0 or tail[loc : loc + 4] != _ZIP64_LOCATOR:
        return entries
    offset = _ZIP64_LOCATOR_STRUCT.unpack_from(tail, loc)[2]
    if offset + _ZIP64_EOCD_STRUCT.size > size:
        return None
    fh.seek(offset)
    record = fh.read(_ZIP64_EOCD_STRUCT.size)
    if record[:4] != _ZIP64_EOCD:
        return None
    return int(_ZIP64_EOCD_STRUCT.unpack(record)[7])
