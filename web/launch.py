"""The `chengxin` console script: the CLI imported with the cyclic garbage collector paused.

Importing the CLI creates some hundred thousand long-lived objects (SQLAlchemy mappers,
click commands, Flask blueprints), and Python runs about 250 collections over them while
importing, some 0.1-0.15 s of every command; none of them frees anything. So collection
waits until the imports are done, and `gc.freeze` then moves what was imported out of
the way of later collections (a screening run allocates much, but frees little of that).
"""

import gc

gc.disable()

from web.cli import main  # noqa: E402 - imported with the collector paused, above

gc.freeze()
gc.enable()

__all__ = ["main"]
