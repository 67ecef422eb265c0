"""部署方式 (SPEC §1): the local SQLite file or a shared PostgreSQL server, chosen in the settings.

The choice cannot live in the database it chooses, so it is kept in ``deployment.json`` in the
data folder: the mode and the server's host, port, database and user — never the password, which
goes to the operating system's keyring where one exists (else the program asks for it at every
start). ``test_connection`` explains failures in Chinese; ``prepare_server`` runs the migrations
there; ``copy_up_job`` sends the local data to an empty server as a package of everything,
merged by the same code that imports 报送包.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Generator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, func, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .db.engine import Database
from .db.migrate import upgrade
from .db.models import User
from .errors import DatabaseError, ValidationError
from .fileio import atomic_write_bytes
from .progress import CancelToken, Progress

log = logging.getLogger(__name__)

CONFIG_NAME = "deployment.json"
KEYRING_SERVICE = "gongkai_desktop.server"
LOCAL, SERVER = "local", "server"
CONNECT_TIMEOUT_S = 8


@dataclass(frozen=True)
class ServerSettings:
    host: str = ""
    port: int = 5432
    database: str = "gongkai"
    user: str = "gongkai"

    def check(self) -> None:
        problems = []
        if not self.host.strip():
            problems.append("请填写服务器地址")
        if not 0 < int(self.port) < 65536:
            problems.append("端口应在 1–65535 之间")
        if not self.database.strip():
            problems.append("请填写数据库名")
        if not self.user.strip():
            problems.append("请填写用户名")
        if problems:
            raise ValidationError("服务器设置不完整：", problems=problems)

    def url(self, password: str) -> str:
        return URL.create(
            "postgresql+psycopg",
            username=self.user.strip(),
            password=password or None,
            host=self.host.strip(),
            port=int(self.port),
            database=self.database.strip(),
            query={"connect_timeout": str(CONNECT_TIMEOUT_S)},
        ).render_as_string(hide_password=False)

    @property
    def keyring_user(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def describe(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True)
class Deployment:
    mode: str = LOCAL
    server: ServerSettings = ServerSettings()


def config_path(data_dir: Path) -> Path:
    return Path(data_dir) / CONFIG_NAME


def load(data_dir: Path) -> Deployment:
    try:
        data = json.loads(config_path(data_dir).read_text(encoding="utf-8"))
        server = ServerSettings(**{k: data["server"][k] for k in asdict(ServerSettings())})
        mode = SERVER if data.get("mode") == SERVER else LOCAL
        return Deployment(mode, server)
    except (OSError, ValueError, KeyError, TypeError):
        return Deployment()


def save(data_dir: Path, deployment: Deployment) -> None:
    payload = {"mode": deployment.mode, "server": asdict(deployment.server)}
    atomic_write_bytes(
        config_path(data_dir), json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    )


# ----- the password ---------------------------------------------------------------------------


def _keyring() -> Any:
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring
    except ImportError:
        return None
    return None if isinstance(keyring.get_keyring(), NoKeyring) else keyring


def keyring_available() -> bool:
    return _keyring() is not None


def stored_password(server: ServerSettings) -> str | None:
    ring = _keyring()
    if ring is None:
        return None
    try:
        return ring.get_password(KEYRING_SERVICE, server.keyring_user)
    except Exception as exc:  # noqa: BLE001 - a failing keyring means: ask the user
        log.warning("keyring unreadable: %s", exc)
        return None


def store_password(server: ServerSettings, password: str) -> bool:
    """Keep the password in the OS keyring; False when there is none (it is asked at start)."""
    ring = _keyring()
    if ring is None:
        return False
    try:
        ring.set_password(KEYRING_SERVICE, server.keyring_user, password)
        return True
    except Exception as exc:  # noqa: BLE001
        log.warning("keyring not written: %s", exc)
        return False


class PasswordNeeded(DatabaseError):
    """Server mode is chosen but no password is stored: the front end asks for it."""

    code = "password_needed"

    def __init__(self, server: ServerSettings) -> None:
        super().__init__(
            f"请输入共享服务器 {server.describe()} 的密码（可设置环境变量 {ENV_DB_PASSWORD}）。"
        )
        self.server = server


ENV_DB_PASSWORD = "GONGKAI_DB_PASSWORD"


def configured_url(data_dir: Path) -> str | None:
    """The server's URL when server mode is chosen in this data folder (None: the local file);
    the password from the keyring or ``GONGKAI_DB_PASSWORD``, else ``PasswordNeeded``."""
    import os

    deployment = load(data_dir)
    if deployment.mode != SERVER:
        return None
    password = os.environ.get(ENV_DB_PASSWORD) or stored_password(deployment.server)
    if password is None:
        raise PasswordNeeded(deployment.server)
    return deployment.server.url(password)


# ----- the server -----------------------------------------------------------------------------


def explain(exc: BaseException, server: ServerSettings) -> DatabaseError:
    """A connection failure in words an office user can act on (or pass on to IT)."""
    text_ = str(getattr(exc, "orig", exc) or exc).lower()
    where = f"{server.host}:{server.port}"
    if "password authentication failed" in text_ or "no password supplied" in text_:
        msg = f"用户名或密码不对：服务器 {where} 拒绝了用户「{server.user}」。"
    elif "does not exist" in text_ and "database" in text_:
        msg = f"服务器 {where} 上没有数据库「{server.database}」，请让信息管理员先建好该数据库。"
    elif "role" in text_ and "does not exist" in text_:
        msg = f"服务器 {where} 上没有用户「{server.user}」，请让信息管理员先建好该用户。"
    elif "could not translate host name" in text_ or "name or service not known" in text_:
        msg = f"找不到服务器「{server.host}」：请检查服务器地址是否写对。"
    elif "timeout" in text_ or "timed out" in text_:
        msg = f"连接服务器 {where} 超时：请检查网络，或确认服务器已开机并允许本机访问。"
    elif "connection refused" in text_ or "could not connect" in text_:
        msg = f"服务器 {where} 拒绝连接：请确认地址和端口正确，且数据库服务正在运行。"
    elif "no pg_hba.conf entry" in text_:
        msg = f"服务器 {where} 不允许本机连接（pg_hba.conf），请联系信息管理员。"
    else:
        msg = f"无法连接服务器 {where}：{str(getattr(exc, 'orig', exc)).strip()}"
    return DatabaseError(msg, host=server.host, port=server.port)


def test_connection(server: ServerSettings, password: str) -> str:
    """Connect once; return the server's version text, or raise DatabaseError in Chinese."""
    server.check()
    db = Database(server.url(password))
    try:
        with db.read() as session:
            return str(session.execute(text("SHOW server_version")).scalar())
    except (OperationalError, SQLAlchemyError, OSError) as exc:
        raise explain(exc, server) from exc
    finally:
        db.dispose()


def prepare_server(server: ServerSettings, password: str) -> Database:
    """Connect and bring the server's schema up to date; the caller disposes the database."""
    from .server_login import require_current_schema

    test_connection(server, password)
    db = Database(server.url(password))
    try:
        if db.on_gate:
            require_current_schema(db)
        else:
            upgrade(db)
    except DatabaseError:
        db.dispose()
        raise
    except (OperationalError, SQLAlchemyError) as exc:
        db.dispose()
        raise explain(exc, server) from exc
    return db


def server_is_empty(db: Database) -> bool:
    with db.read() as session:
        if db.on_gate:
            from .server_login import gate_info

            return not gate_info(session)[0]
        return not session.scalar(select(func.count(User.id)))


def copy_up_job(
    local: Any,
    actor: Any,
    server_db: Database,
    work_dir: Path,
    cancel: CancelToken | None = None,
) -> Generator[Progress, None, Any]:
    """Send every local record to an empty server: a package of everything, then the same
    merge as any package. ``local`` is the AppContext of the local file."""
    from .services.package import PackageService, restore_everything_job

    if not server_is_empty(server_db):
        raise ValidationError(
            "服务器上的数据库已有数据，不能再把本机数据复制上去（以免两份数据混在一起）。"
            "各处室的数据请用 报送包 汇总。"
        )
    work_dir.mkdir(parents=True, exist_ok=True)
    package = work_dir / "copy-up.gkpkg"
    try:
        service = PackageService(local.db, actor, local.paths.attachments_dir)
        yield from service.export_everything_job(package, cancel)
        return (
            yield from restore_everything_job(
                server_db, package, local.paths.attachments_dir, cancel
            )
        )
    finally:
        package.unlink(missing_ok=True)
