"""The ``schemagen`` console script: the stamp's fast path first, then the full command line.

``generate`` and ``check`` on an ``out/`` that a matching stamp proves current are answered by
:mod:`generator.stamp` without importing the command line (typer, rich) or the pipeline (pydantic,
Jinja, pglast): that import alone costs more than the whole fast path. Everything else, and every
stamp that does not match, runs :func:`generator.cli.main` exactly as before.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``[project.scripts]``): same arguments and exit codes as
    :func:`generator.cli.main`."""
    from .stamp import fast_main

    code = fast_main(sys.argv[1:] if argv is None else list(argv))
    if code is not None:
        sys.exit(code)
    from .cli import main as full_main

    full_main(argv)


if __name__ == "__main__":
    main()
