"""``python -m yorum`` runs the command-line interface."""

from yorum.cli import main

main()
