"""The parts every hostile-input family shares: a Case, the good CSV rows, writing an input to import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HEADER = "Sagsnummer,Aktivitet,Tidspunkt,Afdeling"
ROWS = 60
POSITIONS = {"first": 0, "middle": ROWS // 2, "last": ROWS - 1}


@dataclass(frozen=True)
class Case:
    """One hostile input: how to write it, the CLI arguments to run, the name the error must show."""

    id: str
    build: Callable[[Path], list[str]]   # writes into the folder, gives the CLI arguments
    named: str                            # text the one error line must contain (file name or option)
    says: tuple[str, ...] = ()
    heavy: bool = False                   # run in a subprocess with a memory limit (bombs)


def good_rows() -> list[str]:
    return [f"S{i // 6},Trin {i % 6},2024-01-{1 + i // 6:02d} {8 + i % 6:02d}:{i % 60:02d},A{i % 3}"
            for i in range(ROWS)]


def csv_text(replace: dict[int, str] | None = None, header: str = HEADER) -> str:
    rows = good_rows()
    for index, row in (replace or {}).items():
        rows[index] = row
    return header + "\n" + "\n".join(rows) + "\n"


def write(name: str, content: bytes | str | Callable[[], bytes], *extra: str) -> Callable[[Path], list[str]]:
    """Write `content` (or what calling it gives, for big inputs made only when run) and import it."""
    def build(folder: Path) -> list[str]:
        path = folder / name
        data = content() if callable(content) else content
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return ["import", str(path), str(folder / "out"), *extra]
    return build
