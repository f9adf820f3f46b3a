"""`python -m web.cli`: the `chengxin` command (the console script is `web.launch`)."""

from web.cli.commands import main

main()
