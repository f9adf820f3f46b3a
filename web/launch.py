"""The `chengxin` console script: the CLI imported with the cyclic garbage collector paused,
and for a screening run (`screen`, `pan`, `corpus`) only the screening commands.

Importing the CLI creates some hundred thousand long-lived objects (SQLAlchemy mappers,
click commands, Flask blueprints), and Python runs about 250 collections over them while
importing, some 0.1-0.15 s of every command; none of them frees anything. So collection
waits until the imports are done, and `gc.freeze` then moves what was imported out of
the way of later collections (a screening run allocates much, but frees little of that).
A screening run needs neither the web application nor casework, credit and the archive's
records, whose imports were more than half of its fixed cost (issue #12: under 1 s).
"""

import gc
import sys

gc.disable()

# The first argument names the command when no group option comes before it; anything
# else (`--help`, `-v screen`, a misspelt command) gets every command.
SCREENING_ONLY = sys.argv[1:2] in (["screen"], ["pan"], ["corpus"])

if SCREENING_ONLY:
    from web.cli import main  # noqa: E402 - imported with the collector paused, above
    from web.cli.screening import COMMANDS  # noqa: E402

    for _command in COMMANDS:
        main.add_command(_command)
else:
    from web.cli.commands import main  # noqa: E402

gc.freeze()
gc.enable()

__all__ = ["main"]
