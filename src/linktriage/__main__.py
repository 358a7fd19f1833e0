"""`python -m linktriage ...`: the same command line as the `linktriage` console script."""

from linktriage.cli import main

if __name__ == "__main__":
    main()
