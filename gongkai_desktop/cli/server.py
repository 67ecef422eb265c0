"""``gongkai server setup|login``: permissions on the shared PostgreSQL server (for IT).

Both take the migration owner's URL with ``--owner-url`` (the password in the URL or from
``GONGKAI_OWNER_PASSWORD``) and need no log-in to the app: whoever holds the owner's credential
already controls the database. ``setup`` sets the gate's password from ``GONGKAI_GATE_PASSWORD``,
or makes one up when the gate is new and prints it once.
"""

from __future__ import annotations

import argparse
import os

from ..server_setup import create_login, setup_server
from .common import ENV_NEW_PASSWORD, CliContext, read_password

ENV_OWNER_PASSWORD = "GONGKAI_OWNER_PASSWORD"
ENV_GATE_PASSWORD = "GONGKAI_GATE_PASSWORD"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("server", help="共享服务器（PostgreSQL）的角色、权限和行级安全（IT 使用）")
    ssub = p.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    a = ssub.add_parser("setup", help="以所有者身份升级数据结构，建立角色、权限和行级安全策略")
    a.add_argument("--owner-url", required=True, metavar="URL", help="数据库所有者的连接地址")
    a.set_defaults(handler=cmd_setup)
    a = ssub.add_parser("login", help="重设某个用户的密码，并建立（或更新）其专用的数据库登录角色")
    a.add_argument("username", metavar="USER")
    a.add_argument("--owner-url", required=True, metavar="URL", help="数据库所有者的连接地址")
    a.set_defaults(handler=cmd_login)


def _owner_url(url: str) -> str:
    password = os.environ.get(ENV_OWNER_PASSWORD)
    if password and "@" in url and ":" not in url.split("//", 1)[-1].split("@", 1)[0]:
        from sqlalchemy.engine import make_url

        return make_url(url).set(password=password).render_as_string(False)
    return url


def cmd_setup(ctx: CliContext) -> int:
    result = setup_server(_owner_url(ctx.args.owner_url), os.environ.get(ENV_GATE_PASSWORD) or None)
    for line in result.lines:
        print(line)
    print(f"各电脑的连接账号（系统管理 › 设置 › 部署方式 中的“用户名”）：{result.gate_role}")
    if result.gate_password is not None:
        print(f"连接账号的密码（只显示这一次，请妥善保管）：{result.gate_password}")
    print(
        "共享服务器的权限已设置。已有的用户请执行 gongkai server login USER 设置密码，"
        "之后管理员在程序中新增用户或重设密码时，其数据库登录随之建立。"
    )
    return 0


def cmd_login(ctx: CliContext) -> int:
    password = read_password(ENV_NEW_PASSWORD, "该用户的新密码：", confirm=True)
    role = create_login(_owner_url(ctx.args.owner_url), ctx.args.username, password)
    print(
        f"已重设用户 {ctx.args.username} 的密码，并建立数据库登录角色 {role}："
        "该用户用这个密码登录程序，即以此角色连接服务器。"
    )
    return 0
