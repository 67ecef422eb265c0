"""Kill the writer with SIGKILL at random moments of item, request and plan imports and package
merges: every import is all or nothing, the file stays intact, the audit chain verifies and
nothing that was committed is lost. The suite prints how many kills landed."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from gongkai_desktop import audit
from gongkai_desktop.app import open_app
from gongkai_desktop.demo import DEMO_BUSINESS_DIVISIONS, DEMO_PASSWORD, demo_job
from gongkai_desktop.domain.labels import DEFAULT_DIVISIONS, DivisionKind
from gongkai_desktop.package.container import open_package
from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.excel.ledger_items import ITEM_HEADERS
from gongkai_desktop.reports.excel.requests_ledger import REQUEST_HEADERS
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.package import PackageService
from gongkai_desktop.services.setup import initialize

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "fault-pass-1"
PLAN = ROOT / "resources" / "samples" / "plan-2021.txt"
ITEM_ROWS = 3000
REQUEST_ROWS = 1500
KILLS = {"items": 16, "requests": 14, "plan": 10, "package": 12}


@dataclass
class Tally:
    kills: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KILLS, 0))
    committed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KILLS, 0))
    rolled_back: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KILLS, 0))


def _gongkai(data: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, GONGKAI_PASSWORD=PASSWORD)
    return subprocess.Popen(
        [sys.executable, "-m", "gongkai_desktop", "--data-dir", str(data), "--as", "admin", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run_and_kill(proc: subprocess.Popen[str], delay: float) -> bool:
    """Wait ``delay`` seconds, then SIGKILL; True when the process was still running."""
    try:
        proc.wait(timeout=delay)
        proc.communicate()
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        return True


def _timed(proc: subprocess.Popen[str]) -> float:
    start = time.monotonic()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return time.monotonic() - start


def _check_file(data: Path) -> sqlite3.Connection:
    """The file is intact and its audit chain verifies (after the killed writer)."""
    db = data / "gongkai.db"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    ctx = open_app(data)  # also proves the dead writer's lock is free
    try:
        with ctx.db.read() as session:
            report = audit.verify_chain(session)
        assert report.ok, report.reason
    finally:
        ctx.close()
    return con


def _items_file(path: Path, tag: str) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(list(ITEM_HEADERS))
    for i in range(ITEM_ROWS):
        ws.append([f"{tag}-公开事项{i}", "部门预算", "主动公开", None, "开发指导处",
                   "2021-02-05", "2021-02-20", "门户网站", None, None, None])  # fmt: skip
    wb.save(path)
    return path


def _requests_file(path: Path, tag: str) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(list(REQUEST_HEADERS))
    day = date(2021, 3, 1)
    for i in range(REQUEST_ROWS):
        ws.append([f"{tag}-{i:05d}", day + timedelta(days=i % 200), "网络", "自然人", "张三",
                   "某文件", "开发指导处"] + [None] * (len(REQUEST_HEADERS) - 7))  # fmt: skip
    wb.save(path)
    return path


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    """An initialised data folder with the demo divisions (closed: the writer is a child)."""
    data = tmp_path / "centre"
    ctx = open_app(data)
    actor = initialize(ctx.db, "中心", "admin", PASSWORD, list(DEFAULT_DIVISIONS))
    admin = AdminService(ctx.db, actor)
    for name, code in DEMO_BUSINESS_DIVISIONS:
        admin.add_division(name, DivisionKind.BUSINESS, code)
    ctx.close()
    return data


def _packages(tmp_path: Path) -> list[Path]:
    sender = open_app(tmp_path / "sender")
    run_job(demo_job(sender, None, 2026, 60))
    out = []
    for name, code in DEMO_BUSINESS_DIVISIONS:
        actor = AuthService(sender.db).login(f"lly_{code.lower()}", DEMO_PASSWORD)
        service = PackageService(sender.db, actor, sender.paths.attachments_dir)
        target = tmp_path / f"{code}.gkpkg"
        run_job(service.export_job(name, target))
        out.append(target)
    sender.close()
    return out


def _cumulative_kind(kind: str, centre: Path, tmp_path: Path, rng: random.Random, tally: Tally):  # type: ignore[no-untyped-def]
    """Repeated imports into one database; every committed one must survive all later kills."""
    survived: list[str] = []

    def make(n: int) -> tuple[list[str], str, int]:
        tag = f"T{kind[0]}{n:03d}"
        if kind == "items":
            f = _items_file(tmp_path / f"{tag}.xlsx", tag)
            return ["import", "items", str(f)], tag, ITEM_ROWS
        if kind == "requests":
            f = _requests_file(tmp_path / f"{tag}.xlsx", tag)
            return ["import", "requests", str(f)], tag, REQUEST_ROWS
        return ["plan", "import", str(PLAN), "--year", str(2100 + n)], str(2100 + n), 17

    def present(con: sqlite3.Connection, tag: str) -> int:
        if kind == "items":
            q = "SELECT COUNT(*) FROM disclosure_item WHERE title LIKE ?"
            return int(con.execute(q, (tag + "-%",)).fetchone()[0])
        if kind == "requests":
            q = "SELECT COUNT(*) FROM disclosure_request WHERE reg_no LIKE ?"
            return int(con.execute(q, (tag + "-%",)).fetchone()[0])
        q = "SELECT COUNT(*) FROM plan_task WHERE year = ? AND deleted_at IS NULL"
        return int(con.execute(q, (int(tag),)).fetchone()[0])

    args, tag, expected = make(0)
    duration = _timed(_gongkai(centre, *args))
    survived.append(tag)
    n = 0
    while tally.kills[kind] < KILLS[kind]:
        n += 1
        args, tag, expected = make(n)
        proc = _gongkai(centre, *args)
        killed = _run_and_kill(proc, rng.uniform(0.15, 1.05) * duration)
        con = _check_file(centre)
        try:
            count = present(con, tag)
            assert count in (0, expected), f"{kind} {tag}: {count} of {expected} rows stored"
            for old in survived:
                assert present(con, old) == expected, f"committed {old} lost"
        finally:
            con.close()
        if killed:
            tally.kills[kind] += 1
            if count:
                tally.committed[kind] += 1
            else:
                tally.rolled_back[kind] += 1
        if count:
            survived.append(tag)


def test_sigkill_at_random_moments_loses_nothing(centre: Path, tmp_path: Path) -> None:
    """≥ 50 SIGKILLs across imports and merges: all or nothing, intact file, chain verifies."""
    rng = random.Random(int(os.environ.get("FAULT_SEED", "13")))
    tally = Tally()
    for kind in ("items", "requests", "plan"):
        _cumulative_kind(kind, centre, tmp_path, rng, tally)

    packages = _packages(tmp_path)
    base = tmp_path / "centre-base"
    shutil.copytree(centre, base)
    probe = tmp_path / "probe"
    shutil.copytree(base, probe)
    duration = _timed(_gongkai(probe, "package", "import", str(packages[0])))
    trial = 0
    while tally.kills["package"] < KILLS["package"]:
        pkg = packages[trial % len(packages)]
        trial += 1
        work = tmp_path / f"merge{trial}"
        shutil.copytree(base, work)
        killed = _run_and_kill(
            _gongkai(work, "package", "import", str(pkg)), rng.uniform(0.15, 1.05) * duration
        )
        con = _check_file(work)
        with open_package(pkg) as opened:
            sha = opened.sha256
            uuids = [
                (table, r["uuid"])
                for table, part in opened.records.items()
                for r in part["records"]
                if "uuid" in r
            ]
        try:
            receipt = con.execute(
                "SELECT COUNT(*) FROM exchange_package WHERE sha256 = ?", (sha,)
            ).fetchone()[0]
            stored = sum(
                con.execute(f"SELECT COUNT(*) FROM {t} WHERE uuid = ?", (u,)).fetchone()[0]
                for t, u in uuids
            )
        finally:
            con.close()
        assert (receipt, stored) in ((0, 0), (1, len(uuids))), (receipt, stored, len(uuids))
        if killed:
            tally.kills["package"] += 1
            if receipt:
                tally.committed["package"] += 1
            else:
                tally.rolled_back["package"] += 1
        shutil.rmtree(work)

    total = sum(tally.kills.values())
    print(f"\n强制终止（SIGKILL）共 {total} 次：")
    for kind in KILLS:
        print(
            f"  {kind}: {tally.kills[kind]} 次（已提交 {tally.committed[kind]}，"
            f"整体回滚 {tally.rolled_back[kind]}）"
        )
    assert total >= 50
    assert sum(tally.rolled_back.values()) > 0  # some kills really landed mid-import
