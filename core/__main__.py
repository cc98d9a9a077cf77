"""``python -m dragonbear``: the same command line as ``dragonbear``."""

from dragonbear.cli import main

if __name__ == "__main__":
    main()
