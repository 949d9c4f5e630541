"""Regenerate the translator's golden files: ``python -m tests.translate.regen``."""

from tests.translate.targets import main

if __name__ == "__main__":
    main()
