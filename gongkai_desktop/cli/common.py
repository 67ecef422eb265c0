"""What the CLI commands share: opening the data, logging in, reading passwords, printing."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import date
from typing import Any

from ..app import AppContext, open_app
from ..domain.permissions import Actor
from ..errors import GongkaiError, ValidationError
from ..services.auth import AuthService

ENV_PASSWORD = "GONGKAI_PASSWORD"
ENV_NEW_PASSWORD = "GONGKAI_NEW_PASSWORD"


class CliUsageError(Exception):
    """Wrong use of the command line (exit status 2)."""


def read_password(env_name: str, prompt: str, confirm: bool = False) -> str:
    value = os.environ.get(env_name)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise GongkaiError(f"未提供密码：请设置环境变量 {env_name}，或在终端中运行以便输入密码。")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("请再输入一次：") != first:
        raise ValidationError("两次输入的密码不一致。")
    return first


def parse_date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliUsageError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def date_type(text: str) -> date:
    """An argparse ``type`` for dates: a bad one is a usage error (exit 2)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def add_date_option(parser: argparse.ArgumentParser) -> None:
    """``--date YYYY-MM-DD``: the document's 成文日期 (today when not given)."""
    parser.add_argument(
        "--date",
        dest="issued",
        type=date_type,
        default=None,
        metavar="YYYY-MM-DD",
        help="成文日期（默认今天）",
    )


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


class CliContext:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._app: AppContext | None = None
        self._actor: Actor | None = None

    @property
    def app(self) -> AppContext:
        if self._app is None:
            self._app = open_app(self.args.data_dir, self.args.db)
            for warning in self._app.warnings:
                print(f"警告：{warning}", file=sys.stderr)
            if self._app.db.on_gate:
                # The gate reads nothing: every command runs with the user's own credential.
                _ = self.actor
        return self._app

    @property
    def actor(self) -> Actor:
        """The user named by --as, logged in with their password."""
        if self._actor is None:
            if not self.args.as_user:
                raise GongkaiError(
                    "此命令需要登录：请用 --as 指定用户（密码取自环境变量 GONGKAI_PASSWORD）。"
                    if self._app is None or not self._app.db.on_gate
                    else "共享服务器的连接账号只能用于登录：请用 --as 指定用户"
                    "（密码取自环境变量 GONGKAI_PASSWORD）。"
                )
            password = read_password(ENV_PASSWORD, f"用户 {self.args.as_user} 的密码：")
            self._actor = AuthService(self.app.db).login(self.args.as_user, password)
        return self._actor

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
