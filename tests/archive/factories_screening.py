"""Texts and sessions for screening-workflow tests (corpus, submissions, CLI, web)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel import runtime
from archive.kernel.settings import Settings

# Original sentences written for these tests.
SOURCE_A = (
    "近年来，随着高等教育规模的不断扩大，学术不端行为呈现出多样化和隐蔽化的趋势。"
    "研究者普遍认为，建立健全科研诚信制度是治理学术不端的根本途径，而制度的有效运行"
    "有赖于信息化手段的支撑。本文从制度设计和技术实现两个方面展开讨论，并提出若干建议。"
)
SOURCE_B = (
    "量子计算利用叠加和纠缠等量子力学现象进行信息处理，其计算能力在特定问题上远超经典"
    "计算机。当前主流的实现路线包括超导量子比特、离子阱和光量子等，各有优势与局限。"
    "纠错技术的进展决定了量子计算机能否走向实用。"
)
COPIED = (
    "研究者普遍认为，建立健全科研诚信制度是治理学术不端的根本途径，而制度的有效运行"
    "有赖于信息化手段的支撑。"
)
THESIS = (
    "第一章 绪论\n本章介绍研究的背景与意义。"
    + COPIED
    + "此外，我们通过问卷调查和深度访谈等多种形式开展了实证研究，收集了三所高校的数据。\n"
)


def isolated_factory(
    connection: Connection, settings: Settings, data_dir: Path, **overrides: object
) -> sessionmaker[Session]:
    """Sessions on the test's connection, with their own data directory (index, files)."""
    local = dataclasses.replace(settings, data_dir=data_dir, **overrides)  # type: ignore[arg-type]
    factory = sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        info={"settings": local},
    )
    runtime.configure(local, engine=connection.engine, session_factory=factory)
    return factory
