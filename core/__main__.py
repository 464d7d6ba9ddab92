"""``python -m evidencekit.core`` runs the command-line interface."""

from evidencekit.core.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess test
    main()
