"""The time zones a person may choose: the IANA names Python knows."""

import functools
import zoneinfo


@functools.cache
def time_zones() -> tuple[str, ...]:
    """Every IANA zone name (``Europe/Berlin``), sorted; the legacy aliases
    (``US/Eastern``, ``Etc/GMT+5``) and the zone-data helpers left out."""
    return tuple(
        sorted(
            name
            for name in zoneinfo.available_timezones()
            if "/" in name
            and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        )
        + ["UTC"]
    )


def is_time_zone(name: str) -> bool:
    return name in time_zones()
