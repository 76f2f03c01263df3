"""Time zones at the door: check a zone name, and read local times as instants, right beyond 2037.

Arrow's `assume_timezone` reads the system zone files, whose explicit transitions end in
2037; it does not apply the rule that continues them, so summer times from 2038 on came
out one hour late. Local times from 2037 on are therefore converted again with Python's
zoneinfo (through pandas), which follows the rule for every later year. The daylight-saving
choices are the same as before: a repeated autumn hour is read as its earliest instant, a
local time in the spring gap as the first instant after the gap.
"""

from __future__ import annotations

import re
import zoneinfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from procmine.errors import ConfigError

# From here on the zone files list no transitions; earlier times Arrow converts exactly.
RULE_ONLY_FROM = np.datetime64("2037-01-01T00:00:00", "us")
_FIXED_OFFSET = re.compile(r"^[+-](?:[01]\d|2[0-3]):[0-5]\d$")


def check_timezone(name: str, where: str = "--tz") -> str:
    """The zone name if zoneinfo and Arrow both know it (or a fixed offset like +01:00), else a ConfigError."""
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: the time zone is empty. Give an IANA zone such as Europe/Copenhagen or UTC.")
    if not _FIXED_OFFSET.match(name):
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise ConfigError(f"{where}: unknown time zone {name!r}. Give an IANA zone such as "
                              "Europe/Copenhagen, Europe/Berlin or UTC (or an offset like +01:00).") from None
    try:
        pc.assume_timezone(pa.array([0], pa.timestamp("us")), name)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise ConfigError(f"{where}: the time zone {name!r} is not in this machine's zone database. "
                          "Give an IANA zone such as Europe/Copenhagen or UTC.") from None
    return name


def localise(naive: pa.Array | pa.ChunkedArray, zone: str) -> pa.Array | pa.ChunkedArray:
    """Naive local times in `zone` as timestamps with that zone (earliest on a repeat, after a gap)."""
    check_timezone(zone, "time zone")
    aware = pc.assume_timezone(naive, zone, ambiguous="earliest", nonexistent="latest")
    if _FIXED_OFFSET.match(zone) or zone.upper() == "UTC":
        return aware
    late = pc.greater_equal(naive, pa.scalar(RULE_ONLY_FROM, naive.type))
    if not pc.any(late).as_py():
        return aware
    chunked = isinstance(aware, pa.ChunkedArray)
    values = (aware.combine_chunks() if chunked else aware).cast(pa.int64()).to_numpy(zero_copy_only=False)
    values = values.copy()
    local = (naive.combine_chunks() if isinstance(naive, pa.ChunkedArray) else naive)
    local = local.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(pc.fill_null(late, False).to_numpy(zero_copy_only=False))
    values[rows] = _by_zoneinfo(local[rows], zone)
    result = pa.array(values, pa.int64(), mask=pc.is_null(aware).to_numpy(zero_copy_only=False)
                      ).cast(pa.timestamp("us", zone))
    return pa.chunked_array([result]) if chunked else result


def _by_zoneinfo(local: np.ndarray, zone: str) -> np.ndarray:
    """Microseconds since the epoch (UTC) of local times, by zoneinfo's rules."""
    index = pd.DatetimeIndex(local.astype("datetime64[us]"))
    aware = index.tz_localize(zoneinfo.ZoneInfo(zone), ambiguous=np.ones(len(index), dtype=bool),
                              nonexistent="shift_forward")
    return aware.tz_convert("UTC").tz_localize(None).as_unit("us").asi8


def local_micros(micros: np.ndarray, zone: str) -> np.ndarray:
    """Local wall-clock times (µs, naive) of UTC instants (µs), by zoneinfo's rules from 2037 on."""
    micros = np.asarray(micros, dtype=np.int64)
    instants = pa.array(micros, type=pa.timestamp("us", tz=zone))
    local = pc.local_timestamp(instants).cast(pa.int64()).to_numpy(zero_copy_only=False)
    if _FIXED_OFFSET.match(zone) or zone.upper() == "UTC":
        return local
    # A day before the local boundary in UTC, so no zone's offset can hide a late instant.
    late = micros >= (RULE_ONLY_FROM - np.timedelta64(1, "D")).astype(np.int64)
    if late.any():
        local = local.copy()
        index = pd.DatetimeIndex(micros[late].astype("datetime64[us]")).tz_localize("UTC")
        local[late] = index.tz_convert(zoneinfo.ZoneInfo(zone)).tz_localize(None).as_unit("us").asi8
    return local
