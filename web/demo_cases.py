"""Demo data for casework: outside experts for panels.

With the demo accounts (three investigators, two committee members) and these experts, a
newcomer can open a case and form a mixed panel of three without an administrator creating
anyone.
"""

from __future__ import annotations

import click

from archive.kernel.db import session_scope
from archive.kernel.runtime import Runtime
from casework.services import experts

DEMO_EXPERTS = (
    ("林教授", "华东师范大学 计算机科学与技术学院", "教授"),
    ("黄研究员", "中国科学院 自动化研究所", "研究员"),
    ("何律师", "北京某律师事务所", "律师"),
)


def load_case_demo(rt: Runtime) -> None:
    """Register the demo outside experts (safe to run again: an expert is added once)."""
    with session_scope(rt.session_factory, actor="demo") as session:
        for name, unit, title in DEMO_EXPERTS:
            experts.add_expert(session, actor=None, name=name, unit=unit, title=title)
    click.echo(f"demo casework: {len(DEMO_EXPERTS)} outside experts for panels")
