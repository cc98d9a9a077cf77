"""``python -m dragonbear.cli``: the same command line as ``dragonbear``."""

from dragonbear.cli.app import main

main()
