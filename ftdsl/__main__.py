"""`python -m ftdsl` runs the command line."""

from .cli import main

main()
