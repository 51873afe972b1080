"""The `opora` console script: Django's management commands under friendlier names.

`opora import-schools FILE` runs the `import_schools` command, and so on; every command that
`manage.py` knows is available, so `opora migrate` and `opora runserver` work too.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opora.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
