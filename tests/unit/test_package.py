"""报送包: a liaison PC's package merged at the centre, conflicts, repeat imports, refusals."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import rewrite_audit_row, table_digest

from gongkai_desktop import audit
from gongkai_desktop.app import AppContext, open_app
from gongkai_desktop.attachments import AttachmentService, AttachmentStore
from gongkai_desktop.cli import main
from gongkai_desktop.db.base import Base, RecordMixin
from gongkai_desktop.db.ledger_models import DisclosureItem
from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.demo import DEMO_BUSINESS_DIVISIONS, DEMO_PASSWORD, demo_job
from gongkai_desktop.domain.labels import DEFAULT_DIVISIONS, DivisionKind
from gongkai_desktop.errors import PermissionDenied, ValidationError
from gongkai_desktop.package.container import open_package
from gongkai_desktop.package.merge import CONFLICT, KEEP_OURS, TAKE_THEIRS
from gongkai_desktop.package.records import KINDS, NOT_CARRIED, content_hash
from gongkai_desktop.package.refs import Resolver
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.package import PackageService, parse_period
from gongkai_desktop.services.setup import initialize

KF = "开发指导处"
CENTRE_PASSWORD = "centre-pass-1"


@pytest.fixture
def sender(tmp_path: Path) -> Iterator[AppContext]:
    """A liaison PC with demo data of every kind, and a policy file and evidence attached."""
    ctx = open_app(tmp_path / "liaison")
    run_job(demo_job(ctx, None, 2026, 20))
    yield ctx
    ctx.close()


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[AppContext]:
    """综合处's PC: a fresh unit with the same division names."""
    ctx = open_app(tmp_path / "centre")
    actor = initialize(ctx.db, "中心", "admin", CENTRE_PASSWORD, list(DEFAULT_DIVISIONS))
    admin = AdminService(ctx.db, actor)
    for name, code in DEMO_BUSINESS_DIVISIONS:
        admin.add_division(name, DivisionKind.BUSINESS, code)
    yield ctx
    ctx.close()


def _login(ctx: AppContext, user: str, password: str = DEMO_PASSWORD):  # type: ignore[no-untyped-def]
    return AuthService(ctx.db).login(user, password)


def _kf_liaison(ctx: AppContext):  # type: ignore[no-untyped-def]
    return _login(ctx, "lly_kf")


def _attach_files(ctx: AppContext, tmp_path: Path) -> dict[str, bytes]:
    """A policy file on an interpretation and evidence on a task report of 开发指导处."""
    actor = _kf_liaison(ctx)
    files: dict[str, bytes] = {}
    with ctx.db.read() as session:
        division_id = actor.division_id
        targets = []
        for table in ("interpretation", "task_report"):
            t = KINDS[table].table
            uuid = session.scalar(select(t.c.uuid).where(t.c.division_id == division_id).limit(1))
            assert uuid, table
            targets.append((table, uuid))
    service = AttachmentService(ctx.db, actor, ctx.paths.attachments_dir)
    for i, (table, uuid) in enumerate(targets):
        data = f"附件内容 {table} {i}".encode() * 300 + bytes(range(256))
        source = tmp_path / f"{table}-{i}.pdf"
        source.write_bytes(data)
        service.attach(table, uuid, division_id, source)
        files[hashlib.sha256(data).hexdigest()] = data
    return files


def _export(ctx: AppContext, target: Path, **kw):  # type: ignore[no-untyped-def]
    service = PackageService(ctx.db, _kf_liaison(ctx), ctx.paths.attachments_dir)
    return run_job(service.export_job(KF, target, **kw))


def _centre_service(ctx: AppContext) -> PackageService:
    return PackageService(ctx.db, _login(ctx, "admin", CENTRE_PASSWORD), ctx.paths.attachments_dir)


def _division_records(ctx: AppContext, division: str) -> dict[tuple[str, str], str]:
    """(table, key) → content hash of every carried record of one division (and its children)."""
    out: dict[tuple[str, str], str] = {}
    with ctx.db.read() as session:
        resolver = Resolver(session)
        for kind in KINDS.values():
            rows = session.execute(select(kind.table)).mappings().all()
            for row in rows:
                record = resolver.serialize(kind, row)
                if kind.has_division and record["division_id"] != division:
                    continue
                if not kind.has_division or kind.foundation:
                    continue
                out[(kind.name, kind.key_of(record))] = content_hash(kind, record)
    return out


def _digest(ctx: AppContext) -> str:
    return table_digest(ctx.db)


def test_every_record_table_is_carried_or_named_as_left_out() -> None:
    """A new record kind must join the package format (or say why not)."""
    tables = {
        m.class_.__tablename__
        for m in Base.registry.mappers
        if isinstance(m.class_, type) and issubclass(m.class_, RecordMixin)
    }
    assert tables - set(KINDS) - set(NOT_CARRIED) == set()


def test_centre_holds_exactly_the_liaisons_records(sender, centre, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Every kind arrives with identical content, and attachments byte-identical."""
    files = _attach_files(sender, tmp_path)
    pkg = tmp_path / "kf.gkpkg"
    result = _export(sender, pkg)
    kinds_in_package = {k for k, n in result.counts.items() if n}
    for kind in ("disclosure_item", "normative_document", "interpretation", "decision",
                 "consultation", "public_opinion", "disclosure_request", "disclosure_case",
                 "task_report", "attachment"):
        assert kind in kinds_in_package, kind
    service = _centre_service(centre)
    preview = service.preview(pkg)
    assert preview.comparison.problems == ()
    assert preview.comparison.chain.status == "first"
    assert sum(k.new for k in preview.comparison.counts()) == result.records
    outcome = run_job(service.import_job(pkg))
    assert outcome.applied["new"] == result.records and outcome.pending == 0
    assert _division_records(centre, KF) == _division_records(sender, KF)
    store = AttachmentStore(centre.paths.attachments_dir)
    for sha, data in files.items():
        assert store.path_of(sha).read_bytes() == data


def test_same_package_twice_changes_nothing(sender, centre, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A second import of the same file leaves every table, the audit log included, as it was."""
    pkg = tmp_path / "kf.gkpkg"
    _export(sender, pkg)
    service = _centre_service(centre)
    run_job(service.import_job(pkg))
    before = _digest(centre)
    again = run_job(service.import_job(pkg))
    assert not again.wrote
    assert _digest(centre) == before
    assert service.preview(pkg).comparison.already_merged


def test_import_audit_row_names_the_package_hash(sender, centre, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The centre's audit log records the package's SHA-256 and the sender's chain head."""
    pkg = tmp_path / "kf.gkpkg"
    exported = _export(sender, pkg)
    run_job(_centre_service(centre).import_job(pkg))
    with centre.db.read() as session:
        row = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "package.import")
        ).one()
        assert audit.verify_chain(session).ok
    assert row.entity_id == exported.sha256 == hashlib.sha256(pkg.read_bytes()).hexdigest()
    assert exported.sha256 in row.detail
    assert json.loads(row.after)["sender_chain_head"] == exported.chain_head


def _item(ctx: AppContext, actor, title: str):  # type: ignore[no-untyped-def]
    service = LedgerService(ctx.db, actor)
    with ctx.db.read() as session:
        item = session.scalars(select(DisclosureItem).where(DisclosureItem.title == title)).one()
    return service, item


def _retitle(ctx: AppContext, actor, title: str, new_title: str, notes: str | None = None) -> None:  # type: ignore[no-untyped-def]
    service, item = _item(ctx, actor, title)
    row = service.get_item(item.id)
    fields = replace(row.fields(), title=new_title, notes=row.notes if notes is None else notes)
    service.update_item(item.id, row.version, row.division_id, fields)


def _first_kf_item(ctx: AppContext) -> str:
    actor = _kf_liaison(ctx)
    with ctx.db.read() as session:
        return session.scalar(
            select(DisclosureItem.title)
            .where(DisclosureItem.division_id == actor.division_id)
            .order_by(DisclosureItem.id)
            .limit(1)
        )


def test_change_on_one_side_is_taken_and_on_both_is_a_conflict(sender, centre, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Only the sender changed: taken; both changed: listed, untouched until decided."""
    run_job(_centre_service(centre).import_job(_first_package(sender, tmp_path)))
    with sender.db.read() as session:
        titles = list(
            session.scalars(
                select(DisclosureItem.title)
                .where(DisclosureItem.division_id == _kf_liaison(sender).division_id)
                .order_by(DisclosureItem.id)
                .limit(2)
            )
        )
    both, only_sender = titles
    _retitle(sender, _kf_liaison(sender), both, both + "（发送方改）")
    _retitle(sender, _kf_liaison(sender), only_sender, only_sender + "（仅发送方）")
    centre_admin = _login(centre, "admin", CENTRE_PASSWORD)
    _retitle(centre, centre_admin, both, both + "（中心改）")
    second = tmp_path / "kf2.gkpkg"
    _export(sender, second)  # default: what changed since the first package
    service = _centre_service(centre)
    preview = service.preview(second)
    conflicts = preview.conflicts
    assert [c.title for c in conflicts] == [both + "（发送方改）"]
    assert "title" in conflicts[0].fields
    changed = preview.comparison.of("changed")
    assert [c.title for c in changed] == [only_sender + "（仅发送方）"]

    outcome = run_job(service.import_job(second))
    assert outcome.pending == 1
    _item(centre, centre_admin, both + "（中心改）")  # still ours
    _item(centre, centre_admin, only_sender + "（仅发送方）")  # theirs taken

    key = (conflicts[0].kind, conflicts[0].key)
    outcome = run_job(service.import_job(second, {key: TAKE_THEIRS}))
    assert outcome.pending == 0 and outcome.applied[CONFLICT] == 1
    _item(centre, centre_admin, both + "（发送方改）")
    assert service.preview(second).conflicts == []


def _first_package(sender: AppContext, tmp_path: Path) -> Path:
    pkg = tmp_path / "kf1.gkpkg"
    _export(sender, pkg)
    return pkg


def test_conflict_decided_field_by_field_and_keep_ours(sender, centre, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Field by field takes only the chosen fields; keep ours leaves the record and settles it."""
    run_job(_centre_service(centre).import_job(_first_package(sender, tmp_path)))
    title = _first_kf_item(sender)
    _retitle(sender, _kf_liaison(sender), title, title + "甲", notes="发送方备注")
    centre_admin = _login(centre, "admin", CENTRE_PASSWORD)
    _retitle(centre, centre_admin, title, title + "乙", notes="中心备注")
    second = tmp_path / "kf2.gkpkg"
    _export(sender, second)
    service = _centre_service(centre)
    (conflict,) = service.preview(second).conflicts
    assert set(conflict.fields) >= {"title", "notes"}
    decision = {"title": KEEP_OURS, "notes": TAKE_THEIRS}
    run_job(service.import_job(second, {(conflict.kind, conflict.key): decision}))
    _svc, item = _item(centre, centre_admin, title + "乙")
    assert item.notes == "发送方备注"
    assert service.preview(second).conflicts == []


@pytest.mark.parametrize("attack", ["truncated", "rewritten"])
def test_chain_cut_or_rewritten_on_the_sender_is_flagged(sender, centre, tmp_path, attack) -> None:  # type: ignore[no-untyped-def]
    """A sender whose audit log lost rows, or had one rewritten with the chain recomputed, since
    the last package is flagged in the preview."""
    run_job(_centre_service(centre).import_job(_first_package(sender, tmp_path)))
    if attack == "truncated":
        con = sqlite3.connect(sender.paths.db_path)
        con.execute("DROP TRIGGER audit_log_no_delete")
        con.execute("DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 5 FROM audit_log)")
        con.commit()
        con.close()
    else:
        rewrite_audit_row(sender.paths.db_path, 3, "改写过的记录")
    second = tmp_path / "kf2.gkpkg"
    _export(sender, second)
    chain = _centre_service(centre).preview(second).comparison.chain
    assert chain.status == attack and chain.flagged


def test_liaison_exports_only_own_division_and_cannot_import(sender, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Exporting another division or importing as a liaison is refused and audited."""
    service = PackageService(sender.db, _kf_liaison(sender), sender.paths.attachments_dir)
    with pytest.raises(PermissionDenied):
        run_job(service.export_job("社会帮扶处", tmp_path / "x.gkpkg"))
    assert not (tmp_path / "x.gkpkg").exists()
    pkg = _first_package(sender, tmp_path)
    with pytest.raises(PermissionDenied):
        service.preview(pkg)
    with sender.db.read() as session:
        denied = session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.outcome == "denied")
        )
    assert denied == 2


def test_period_windows() -> None:
    """2026Q2 is April to June; 2026 the whole year; nonsense is refused."""
    q = parse_period("2026Q2")
    assert (q.since.month, q.until.month) == (4, 7)
    assert parse_period("2026").until.year == 2027
    with pytest.raises(ValidationError):
        parse_period("2026Q5")


def test_since_date_limits_the_export(sender, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--since after every change exports no records."""
    result = _export(sender, tmp_path / "none.gkpkg", window=None)
    assert result.records > 0
    from gongkai_desktop.services.package import since_window

    later = _export(sender, tmp_path / "later.gkpkg", window=since_window(date(2099, 1, 1)))
    assert later.records == 0


def _rewrite(pkg: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Copy a package member by member, letting ``change(name, data)`` alter or drop members."""
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info.filename, data)


def _cli(data_dir: Path, *args: str, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_PASSWORD", CENTRE_PASSWORD)
    capsys.readouterr()
    code = main(["--data-dir", str(data_dir), "--as", "admin", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_tampered_package_refused_by_cli_with_nothing_written(  # type: ignore[no-untyped-def]
    sender, centre, tmp_path, monkeypatch, capsys
) -> None:
    """A changed member fails its SHA-256: exit 1, Chinese reason, database and files untouched."""
    _attach_files(sender, tmp_path)
    pkg = _first_package(sender, tmp_path)
    bad = tmp_path / "bad.gkpkg"

    def tamper(name: str, data: bytes) -> bytes:
        if name == "records/disclosure_item.json":
            return data.replace("开发指导处".encode(), "社会帮扶处".encode(), 1)
        return data

    _rewrite(pkg, bad, tamper)
    before = _digest(centre)
    files_before = sorted(p.name for p in centre.paths.attachments_dir.rglob("*"))
    code, _out, err = _cli(centre.paths.data_dir, "package", "import", str(bad),
                           monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert "SHA-256" in err and "未做任何改动" in err
    assert _digest(centre) == before
    assert sorted(p.name for p in centre.paths.attachments_dir.rglob("*")) == files_before


def test_cli_dry_run_json_then_import(sender, centre, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """--dry-run --json prints the counts and stores nothing; the real import stores."""
    pkg = tmp_path / "kf.gkpkg"
    monkeypatch.setenv("GONGKAI_PASSWORD", DEMO_PASSWORD)
    assert main(["--data-dir", str(sender.paths.data_dir), "--as", "lly_kf", "package", "export",
                 "--division", KF, "-o", str(pkg)]) == 0
    before = _digest(centre)
    code, out, _err = _cli(centre.paths.data_dir, "package", "import", str(pkg), "--dry-run",
                           "--json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    report = json.loads(out)
    assert report["division"] == KF and report["counts"]["disclosure_request"]["new"] > 0
    assert _digest(centre) == before
    code, out, _err = _cli(centre.paths.data_dir, "package", "import", str(pkg),
                           monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "已合并" in out
    assert _digest(centre) != before


# ----- hostile packages ---------------------------------------------------------------------


def _hostile_variants(pkg: Path, tmp: Path) -> Iterator[tuple[str, Path]]:
    """Crafted packages, each of which must be refused before anything is parsed or stored."""
    raw = pkg.read_bytes()
    n = 0

    def out(label: str) -> Path:
        nonlocal n
        n += 1
        return tmp / f"h{n:03d}.gkpkg"

    for cut in (0, 1, 21, 100, len(raw) // 3, len(raw) // 2, len(raw) - 23, len(raw) - 1):
        p = out("truncated")
        p.write_bytes(raw[:cut])
        yield f"截断于 {cut}", p
    with zipfile.ZipFile(pkg) as z:
        spans = []
        for info in z.infolist():
            name_len, extra_len = struct.unpack_from("<HH", raw, info.header_offset + 26)
            start = info.header_offset + 30 + name_len + extra_len
            spans.append((start, info.compress_size))
    flips = sorted({start + offset for start, size in spans
                    for offset in (0, size // 3, size // 2, 2 * size // 3) if size > 2})
    for pos in flips:
        p = out("flip")
        data = bytearray(raw)
        data[pos] ^= 0xFF
        p.write_bytes(bytes(data))
        yield f"第 {pos} 字节被改", p
    for name in ("../evil.json", "/etc/passwd", "records/../../x.json", "C:/win.ini",
                 "files\\..\\x", "records/nested/deep.json", "extra.txt", "files/abc"):
        p = out("name")
        with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(p, "w") as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info))
            dst.writestr(name, b"{}")
        yield f"成员名 {name}", p
    p = out("symlink")
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(p, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        link = zipfile.ZipInfo("files/" + "0" * 64)
        link.external_attr = (0o120777) << 16
        dst.writestr(link, b"/etc/passwd")
    yield "符号链接", p
    p = out("bomb")
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("files/" + "1" * 64, b"\0" * (50 * 1024 * 1024))
    yield "压缩炸弹", p
    for label, change in (
        ("版本 99", lambda m: {**m, "format_version": 99}),
        ("非报送包", lambda m: {**m, "format": "other"}),
        ("清单缺一项", lambda m: {**m, "members": dict(list(m["members"].items())[1:])}),
        ("大小不符", lambda m: {**m, "members": {k: {**v, "size": v["size"] + 1}
                                                 for k, v in m["members"].items()}}),
        ("哈希不符", lambda m: {**m, "members": {k: {**v, "sha256": "0" * 64}
                                                 for k, v in m["members"].items()}}),
        ("清单不是对象", lambda m: [m]),
    ):
        p = out("manifest")

        def edit(name: str, data: bytes, change=change) -> bytes:  # type: ignore[no-untyped-def]
            if name == "manifest.json":
                return json.dumps(change(json.loads(data))).encode()
            return data

        _rewrite(pkg, p, edit)
        yield label, p
    p = out("duplicate")
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(p, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with pytest.warns(UserWarning):
            dst.writestr("manifest.json", b"{}")
    yield "成员重复", p
    p = out("no-manifest")
    _rewrite(pkg, p, lambda name, data: None if name == "manifest.json" else data)
    yield "缺少清单", p
    p = out("wrong-type")
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    yield "错误类型", p
    p = out("xlsx")
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    yield "其他 zip 文件", p


def test_hostile_packages_all_refused_and_nothing_stored(sender, centre, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Every crafted package is refused with a Chinese reason; the centre is unchanged."""
    _attach_files(sender, tmp_path)
    pkg = _first_package(sender, tmp_path)
    service = _centre_service(centre)
    before = _digest(centre)
    files_before = sorted(p.name for p in centre.paths.attachments_dir.rglob("*"))
    folder = tmp_path / "hostile"
    folder.mkdir()
    refused = 0
    variants = list(_hostile_variants(pkg, folder))
    for label, path in variants:
        with pytest.raises(ValidationError, match="报送包") as caught:
            run_job(service.import_job(path))
            pytest.fail(f"accepted: {label}")
        assert "已拒绝" in str(caught.value) or "不完整" in str(caught.value), label
        refused += 1
    assert _digest(centre) == before
    assert sorted(p.name for p in centre.paths.attachments_dir.rglob("*")) == files_before
    print(f"\n报送包恶意输入：{refused}/{len(variants)} 个全部拒绝")
    assert refused == len(variants) >= 50


def test_open_package_leaves_no_temporary_folder(sender, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The private folder a package is inflated into is gone after use and after a refusal."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    pkg = _first_package(sender, tmp_path)
    with open_package(pkg) as opened:
        assert opened.folder.parent == tmp_path / "tmp"
        assert (opened.folder.stat().st_mode & 0o777) == 0o700
    bad = tmp_path / "bad.gkpkg"
    bad.write_bytes(pkg.read_bytes()[:-30])
    with pytest.raises(ValidationError):
        open_package(bad)
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("table", ["app_user", "setting", "holiday_notice", "evaluation_adjustment"])
def test_division_package_carrying_what_only_a_whole_database_holds_is_refused(  # type: ignore[no-untyped-def]
    sender, centre, tmp_path, table
) -> None:
    """A division's package that also carries users, settings, notices or 扣分 (rows only a
    package of everything may hold) is refused whole; the centre is unchanged."""
    from gongkai_desktop.package.container import write_package

    pkg = _first_package(sender, tmp_path)
    with sender.db.read() as session:
        row = session.execute(select(KINDS["division"].table).limit(1)).mappings().one()
        division = Resolver(session).serialize(KINDS["division"], row)
    forged = {
        "app_user": {"username": "intruder", "password_hash": "x", "role": "admin"},
        "setting": {"key": "unit_name", "value": "伪造的单位"},
        "holiday_notice": {"year": 2030, "kind": "notice", "title": "伪造", "source": "",
                           "by_hand": "", "created_at": "2026-01-01T00:00:00"},
        "evaluation_adjustment": {"uuid": "0" * 36, "division_id": division["name"],
                                  "year": 2026, "kind": "deduction", "points_centi": 9900,
                                  "reason": "伪造"},
    }[table]
    with open_package(pkg) as opened:
        manifest = dict(opened.manifest)
        records = dict(opened.records)
        audit_rows = opened.audit
    records[table] = {"records": [forged], "refs": []}
    bad = tmp_path / "forged.gkpkg"

    def build(writer):  # type: ignore[no-untyped-def]
        from gongkai_desktop.package.container import AUDIT_MEMBER, records_member

        for name, part in records.items():
            writer.add_json(records_member(name), part)
        writer.add_json(AUDIT_MEMBER, audit_rows)
        return {k: v for k, v in manifest.items() if k != "members"}

    write_package(bad, build)
    service = _centre_service(centre)
    before = _digest(centre)
    with pytest.raises(ValidationError) as caught:
        run_job(service.import_job(bad))
    assert any("处室的报送包不能携带" in p for p in caught.value.problems), caught.value.problems
    assert _digest(centre) == before
