"""Which school codes each member of the cast (tests/conftest.py) may see, written out by hand.

Shared by the page, API and browser tests, so one change in `core/access.py` that widens or
narrows anyone's reach fails all three.
"""

VISIBLE_SCHOOLS: dict[str, set[str]] = {
    "alice": {"1001", "1002", "1003"},
    "rita": {"1001", "1002", "1003"},
    "maria": {"1001", "1002"},
    "oleg": {"1001", "1002"},
    "kate": {"1001"},
    "sam": {"1001"},
    "tom": {"1001"},
    "mila": {"1001", "1002"},
    "olga": {"1003"},
    "vera": {"1003"},
    "zoe": {"2001"},
    "nobody": set(),
}
ALL_SCHOOLS = {"1001", "1002", "1003", "2001"}
