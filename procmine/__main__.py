"""`python -m procmine` runs the command line."""

from procmine.cli import main

main()
