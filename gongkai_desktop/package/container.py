"""The 报送包 file (``.gkpkg``): a zip of ``manifest.json``, one JSON member per record kind,
the sender's audit chain and the attachment files, every member hashed in the manifest.

Reading a package is checked before anything in it is parsed: the file size, the member count
(from the zip's end record first), the declared sizes and compression ratios, member names
(only the names this format writes: nothing absolute, no ``..``, no links, no duplicates) and the
format version. Then each member is inflated, once, into a private temporary folder made for
this read (mode 0700) under a name of our own choosing, counting bytes against the declared size
and hashing them against the manifest. Only then are the JSON members parsed. Any failure raises
``ValidationError`` with a Chinese reason and leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputTooLarge, ValidationError
from ..fileio import atomic_path

FORMAT_NAME = "gongkai-package"
FORMAT_VERSION = 1
SUPPORTED_VERSIONS = frozenset({1})
SUFFIX = ".gkpkg"

MB = 1024 * 1024
MAX_FILE_BYTES = 4096 * MB
MAX_MEMBERS = 50_000
MAX_MANIFEST_BYTES = 16 * MB
MAX_MEMBER_BYTES = 512 * MB
MAX_TOTAL_BYTES = 8192 * MB
MAX_RATIO = 200
RATIO_FLOOR = 1 * MB
CHUNK = 1 << 20

MANIFEST = "manifest.json"
AUDIT_MEMBER = "audit.json"
_RECORDS_RE = re.compile(r"^records/([a-z_]{1,64})\.json$")
_FILE_RE = re.compile(r"^files/([0-9a-f]{64})$")
_EOCD = b"PK\x05\x06"


def records_member(table: str) -> str:
    return f"records/{table}.json"


def file_member(sha256: str) -> str:
    return f"files/{sha256}"


def _refuse(name: str, reason: str) -> ValidationError:
    return ValidationError(f"报送包“{name}”{reason}，已拒绝导入，未做任何改动。", path=name)


def _too_large(name: str, reason: str) -> InputTooLarge:
    return InputTooLarge(f"报送包“{name}”{reason}，已拒绝导入，未做任何改动。", path=name)


# ----- writing -----------------------------------------------------------------------------------


class PackageWriter:
    """Builds a package in a temporary file beside the target; ``close`` renames it into place."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self._zip = zf
        self.members: dict[str, dict[str, Any]] = {}

    def add_bytes(self, member: str, data: bytes) -> None:
        self._zip.writestr(_info(member), data, compress_type=zipfile.ZIP_DEFLATED)
        self.members[member] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def add_json(self, member: str, data: Any) -> None:
        self.add_bytes(member, json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8"))

    def add_file(self, member: str, source: Path, sha256: str) -> None:
        with open(source, "rb") as src, self._zip.open(_info(member), "w", force_zip64=True) as out:
            size = 0
            digest = hashlib.sha256()
            for block in iter(lambda: src.read(CHUNK), b""):
                digest.update(block)
                out.write(block)
                size += len(block)
        if digest.hexdigest() != sha256:
            raise ValidationError(f"附件文件 {sha256[:12]}… 已损坏（SHA-256 不符），请从备份恢复。")
        self.members[member] = {"sha256": sha256, "size": size}


def _info(member: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def write_package(
    target: Path, build: Callable[[PackageWriter], dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    """Write a package: ``build`` adds the members and returns the manifest (without the member
    list, which is added here). Returns the file's SHA-256 and the manifest written."""
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            writer = PackageWriter(zf)
            manifest = build(writer)
            manifest["members"] = writer.members
            zf.writestr(_info(MANIFEST), json.dumps(manifest, ensure_ascii=False, indent=1))
        digest = _file_sha256(tmp)
    return digest, manifest


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


# ----- reading -----------------------------------------------------------------------------------


@dataclass
class OpenedPackage:
    """A package whose every member was checked and inflated into a private folder."""

    path: Path
    sha256: str
    manifest: dict[str, Any]
    folder: Path
    records: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> OpenedPackage:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _declared_entries(fh: io.BufferedReader, size: int) -> int | None:
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(_EOCD)
    if pos < 0 or len(tail) - pos < 22:
        return None
    return int(struct.unpack_from("<H", tail, pos + 10)[0])


def _check_name(name: str, member: str) -> None:
    if (
        not member
        or member.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", member)
        or "\\" in member
        or "\x00" in member
        or ".." in member.split("/")
    ):
        raise _refuse(name, f"含有不安全的路径“{member}”（绝对路径或 ..）")
    if (
        member != MANIFEST
        and member != AUDIT_MEMBER
        and not (_RECORDS_RE.match(member) or _FILE_RE.match(member))
    ):
        raise _refuse(name, f"含有报送包格式之外的部件“{member}”")


def _check_directory(name: str, infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    seen: set[str] = set()
    for info in infos:
        member = info.filename
        _check_name(name, member)
        if member in seen:
            raise _refuse(name, f"中“{member}”重复出现，可能被篡改")
        seen.add(member)
        kind = stat.S_IFMT(info.external_attr >> 16)
        if info.is_dir() or (kind and kind != stat.S_IFREG):
            raise _refuse(name, f"中的“{member}”是链接或文件夹，不是普通文件")
        if info.flag_bits & 0x1:
            raise _refuse(name, "已加密")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(name, f"的部件“{member}”使用了不支持的压缩方式")
        limit = MAX_MANIFEST_BYTES if member == MANIFEST else MAX_MEMBER_BYTES
        if info.file_size > limit:
            raise _too_large(name, f"的部件“{member}”解压后 {info.file_size // MB} MB，超过上限")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _too_large(name, f"的部件“{member}”压缩比异常，疑似压缩炸弹")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise _too_large(name, f"解压后共 {total // MB} MB，超过上限")
    if MANIFEST not in seen:
        raise _refuse(name, "缺少清单 manifest.json，不是报送包")


def _check_manifest(name: str, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise _refuse(name, "的清单 manifest.json 无法读取") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise _refuse(name, "不是政务公开工作台的报送包")
    version = manifest.get("format_version")
    if version not in SUPPORTED_VERSIONS:
        raise _refuse(
            name,
            f"的格式版本为 {version!r}，本程序只能读取版本 "
            + "、".join(str(v) for v in sorted(SUPPORTED_VERSIONS))
            + "；请升级程序后再导入",
        )
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(
        isinstance(v, dict)
        and isinstance(v.get("sha256"), str)
        and isinstance(v.get("size"), int)
        and not isinstance(v.get("size"), bool)
        for v in members.values()
    ):
        raise _refuse(name, "的清单中缺少部件的 SHA-256")
    return manifest


def _inflate(
    name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, expected: Mapping[str, Any], to: Path
) -> None:
    member = info.filename
    if info.file_size != expected["size"]:
        raise _refuse(name, f"的部件“{member}”大小与清单不符，可能被篡改")
    digest = hashlib.sha256()
    written = 0
    with zf.open(info) as src, open(to, "xb") as out:
        while True:
            block = src.read(CHUNK)
            if not block:
                break
            written += len(block)
            if written > expected["size"]:
                raise _refuse(name, f"的部件“{member}”比清单记载的大，可能被篡改")
            digest.update(block)
            out.write(block)
    if written != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise _refuse(name, f"的部件“{member}”的 SHA-256 与清单不符，可能被篡改或损坏")


def _load_json(name: str, member: str, path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise _refuse(name, f"的部件“{member}”不是有效的 JSON") from exc


def _records_of(name: str, member: str, data: Any) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(data, dict):
        raise _refuse(name, f"的部件“{member}”格式不对")
    out: dict[str, list[dict[str, Any]]] = {}
    for part in ("records", "refs"):
        rows = data.get(part, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _refuse(name, f"的部件“{member}”格式不对")
        out[part] = rows
    return out


def open_package(path: str | os.PathLike[str], *, parse: bool = True) -> OpenedPackage:
    """Check a package and inflate it into a private temporary folder (see the module text)."""
    file = Path(path)
    name = file.name
    try:
        size = file.stat().st_size
        if file.is_symlink() or not file.is_file():
            raise _refuse(name, "不是普通文件")
    except OSError as exc:
        raise ValidationError(f"无法读取报送包“{name}”：{exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise _too_large(name, f"过大（{size // MB} MB）")
    folder = Path(tempfile.mkdtemp(prefix="gkpkg-"))
    os.chmod(folder, 0o700)
    try:
        try:
            fh = open(file, "rb")
        except OSError as exc:
            raise ValidationError(f"无法读取报送包“{name}”：{exc.strerror or exc}") from exc
        with fh:
            declared = _declared_entries(fh, size) if size >= 22 else None
            if declared is None:
                raise _refuse(name, "不是 zip 格式的报送包（文件可能已损坏或被截断）")
            if declared > MAX_MEMBERS:
                raise _too_large(name, f"内含 {declared} 个部件，超过上限 {MAX_MEMBERS} 个")
            fh.seek(0)
            try:
                zf = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
                raise _refuse(name, "不是 zip 格式的报送包（文件可能已损坏或被截断）") from exc
            with zf:
                infos = zf.infolist()
                if len(infos) > MAX_MEMBERS:
                    raise _too_large(name, f"内含 {len(infos)} 个部件，超过上限")
                _check_directory(name, infos)
                by_name = {i.filename: i for i in infos}
                try:
                    manifest = _check_manifest(name, zf.read(by_name[MANIFEST]))
                    members = manifest["members"]
                    present = set(by_name) - {MANIFEST}
                    if present != set(members):
                        missing = sorted(set(members) - present)
                        extra = sorted(present - set(members))
                        what = f"缺少 {missing[0]}" if missing else f"多出 {extra[0]}"
                        raise _refuse(name, f"的部件与清单不一致（{what}），可能被篡改")
                    local: dict[str, Path] = {}
                    for i, member in enumerate(sorted(present)):
                        target = folder / f"{i:06d}"
                        _inflate(name, zf, by_name[member], members[member], target)
                        local[member] = target
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                    if isinstance(exc, ValidationError):
                        raise
                    raise _refuse(name, "的内容已损坏，无法解压") from exc
        digest = _file_sha256(file)
        opened = OpenedPackage(file, digest, manifest, folder)
        for member, local_path in local.items():
            m = _FILE_RE.match(member)
            if m:
                opened.files[m.group(1)] = local_path
        if parse:
            _parse_members(opened, local)
        return opened
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _parse_members(opened: OpenedPackage, local: Mapping[str, Path]) -> None:
    name = opened.path.name
    for member, path in local.items():
        m = _RECORDS_RE.match(member)
        if m:
            opened.records[m.group(1)] = _records_of(name, member, _load_json(name, member, path))
        elif member == AUDIT_MEMBER:
            rows = _load_json(name, member, path)
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise _refuse(name, "的审计链部件格式不对")
            opened.audit = rows
