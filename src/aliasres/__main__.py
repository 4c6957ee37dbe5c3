"""``python -m aliasres``: the same command line as the ``aliasres`` console script."""

from aliasres.cli import main

if __name__ == "__main__":
    main()
