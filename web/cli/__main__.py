"""`python -m web.cli`: the `chengxin` command."""

from web.cli import main

main()
