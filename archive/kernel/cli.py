"""The runtime a `chengxin` command works in, handed down the click context.

As Flask's `ScriptInfo` does for `flask` commands: the top-level group puts a `CliContext`
in `ctx.obj`; a command that needs the database asks for it with `@pass_runtime`, and the
context configures the process (and migrates a new or old database) once, on first use.
Package command groups therefore never import the layer that assembles them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import click

from archive.kernel import runtime
from archive.kernel.migrations import is_current, upgrade
from archive.kernel.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")


class CliContext:
    """Settings and runtime for one command-line invocation, made when first needed."""

    def __init__(self, load_settings: Callable[[], Settings] = Settings.from_env):
        self._load_settings = load_settings
        self._settings: Settings | None = None
        self._runtime: runtime.Runtime | None = None
        self._is_migrated = False

    @property
    def settings(self) -> Settings:
        """The settings from the environment, read once."""
        if self._settings is None:
            self._settings = self._load_settings()
        return self._settings

    def runtime(self, *, migrate: bool = True) -> runtime.Runtime:
        """Configure the process; bring a new or old database up to date when asked.

        The screening contract promises that a new data directory works at once, so
        commands migrate what they need; the web server instead refuses an old schema.
        """
        if self._runtime is None:
            self._runtime = runtime.configure(self.settings)
        if migrate and not self._is_migrated:
            if not is_current(self._runtime.engine):
                upgrade(self._runtime.engine)
            self._is_migrated = True
        return self._runtime


def pass_runtime(
    fn: Callable[Concatenate[runtime.Runtime, P], R],
) -> Callable[P, R]:
    """Give a command the configured (and migrated) runtime as its first argument."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        ctx = click.get_current_context()
        return fn(ctx.ensure_object(CliContext).runtime(), *args, **kwargs)

    return wrapper


def cli_context() -> CliContext:
    """The current command's context object (for commands that decide when to migrate)."""
    obj: Any = click.get_current_context().ensure_object(CliContext)
    return obj
