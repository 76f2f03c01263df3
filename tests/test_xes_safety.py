"""Bad and hostile XES files: each is refused with a LogValidationError naming the file."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procmine.cli import app
from procmine.errors import LogValidationError
from procmine.importing import read_log
from procmine.importing.options import ImportOptions
from procmine.importing.xes_reader import read_xes_log
from procmine.importing.xes_safety import XesLimits

GOOD_EVENT = ('<event><string key="concept:name" value="A"/>'
              '<date key="time:timestamp" value="2024-01-01T00:00:00Z"/></event>')
GOOD_TRACE = f'<trace><string key="concept:name" value="c1"/>{GOOD_EVENT}</trace>'


def _gzip_of(text: bytes) -> bytes:
    return gzip.compress(text)


def _truncated_gzip() -> bytes:
    whole = gzip.compress(f"<log>{GOOD_TRACE * 200}</log>".encode())
    return whole[: len(whole) // 2]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE log [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<log><trace><string key="concept:name" value="&lol3;"/></trace></log>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<log><trace><string key="concept:name" value="&secret;"/></trace></log>"""

# name -> (file name, bytes, a fragment the message must hold)
CORPUS = {
    "empty": ("empty.xes", b"", "empty"),
    "bom only": ("bom.xes", b"\xef\xbb\xbf", "holds no XML element"),
    "garbage bytes": ("garbage.xes", bytes(range(256)) * 4, "not XML"),
    "not xml text": ("text.xes", b"case;activity;time\n1;A;2024-01-01\n", "not XML"),
    "truncated gzip": ("cut.xes.gz", _truncated_gzip(), "damaged or cut short"),
    "truncated xml": ("cut.xes", f"<log>{GOOD_TRACE}<trace><event>".encode(), "cut short"),
    "external entity": ("xxe.xes", EXTERNAL_ENTITY, "external entity / entity declarations is not accepted"),
    "billion laughs": ("laughs.xes", BILLION_LAUGHS, "entity declarations is not accepted"),
    "undeclared entity": ("undeclared.xes",
                          f'<log><trace><string key="concept:name" value="&x;"/>{GOOD_EVENT}</trace></log>'.encode(),
                          "other entities are not accepted"),
    "wrong root": ("root.xes", f"<events>{GOOD_TRACE}</events>".encode(), "not <log>"),
    "bad nesting": ("nesting.xes", b'<log><trace><string key="concept:name" value="c"/></event></trace></log>',
                    "does not match"),
    "event outside trace": ("outside.xes", f"<log>{GOOD_EVENT}</log>".encode(), "outside a <trace>"),
    "bad date in event 3": ("date.xes", (
        '<log><trace><string key="concept:name" value="c1"/>' + GOOD_EVENT * 2 +
        '<event><string key="concept:name" value="A"/><date key="time:timestamp" value="31/12/2024"/></event>'
        "</trace></log>").encode(), "event 3 of trace 1"),
    "event without concept:name": ("noname.xes", (
        b'<log><trace><string key="concept:name" value="c1"/>'
        b'<event><date key="time:timestamp" value="2024-01-01T00:00:00Z"/></event></trace></log>'),
        "has no 'concept:name'"),
    "text between tags": ("text2.xes", f"<log>hello {GOOD_TRACE}</log>".encode(), "not well-formed"),
    "content after root": ("after.xes", f"<log>{GOOD_TRACE}</log><log></log>".encode(), "after the end"),
    "invalid utf-8": ("latin.xes", (
        '<log><trace><string key="concept:name" value="s\xf8g"/>' + GOOD_EVENT + "</trace></log>"
    ).encode("latin-1"), "not valid UTF-8"),
    "bad int": ("int.xes", (
        b'<log><trace><string key="concept:name" value="c1"/><event><string key="concept:name" value="A"/>'
        b'<date key="time:timestamp" value="2024-01-01T00:00:00Z"/><int key="n" value="7.5"/></event>'
        b"</trace></log>"), "not a valid int"),
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_bad_input_is_refused_with_the_file_named(tmp_path, case):
    name, content, fragment = CORPUS[case]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LogValidationError) as caught:
        read_log(path)
    message = str(caught.value)
    assert str(path) in message
    assert fragment in message


@pytest.mark.parametrize("case", ["garbage bytes", "external entity", "truncated gzip", "wrong root"])
def test_cli_import_exits_2_on_bad_xes(tmp_path, case):
    name, content, fragment = CORPUS[case]
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["import", str(path), str(tmp_path / "out")])
    assert result.exit_code == 2
    assert fragment in result.output
    assert not (tmp_path / "out").exists()


def test_line_numbers_are_given_for_malformed_tags(tmp_path):
    path = tmp_path / "lines.xes"
    path.write_text(f"<log>\n{GOOD_TRACE}\n<trace>\n<event x=>\n</event></trace>\n</log>\n")
    with pytest.raises(LogValidationError, match="line 4"):
        read_log(path)


def _bomb(path: Path, inflated_bytes: int) -> None:
    """A valid-looking XES whose body is `inflated_bytes` of spaces, compressed while streaming."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    with open(path, "wb") as out:
        out.write(compressor.compress(b"<log>"))
        for _ in range(inflated_bytes // len(block)):
            out.write(compressor.compress(block))
        out.write(compressor.compress(b"</log>"))
        out.write(compressor.flush())


def test_gzip_bomb_is_refused_under_a_lowered_cap(tmp_path):
    path = tmp_path / "bomb.xes.gz"
    _bomb(path, 64 << 20)
    limits = XesLimits(max_ratio=200, floor_bytes=16 << 20, block_bytes=1 << 20)
    with pytest.raises(LogValidationError, match="gzip bomb") as caught:
        read_xes_log(path, ImportOptions(), limits=limits)
    assert str(path) in str(caught.value)


@pytest.mark.slow
def test_gzip_bomb_is_refused_under_the_default_cap(tmp_path):
    path = tmp_path / "bomb.xes.gz"
    _bomb(path, (1 << 30) + (64 << 20))
    assert path.stat().st_size * 200 < 1 << 30
    with pytest.raises(LogValidationError, match="gzip bomb"):
        read_log(path)


def test_ordinary_compression_ratio_is_accepted(tmp_path):
    traces = "".join(
        f'<trace><string key="concept:name" value="case {n}"/><event><string key="concept:name" '
        f'value="A{n % 7}"/><date key="time:timestamp" value="2024-01-{1 + n % 28:02d}T{n % 24:02d}:'
        f'{n * 7 % 60:02d}:00Z"/><float key="amount" value="{n * 3.7:.2f}"/></event></trace>'
        for n in range(2000))
    text = f"<log>{traces}</log>".encode()
    path = tmp_path / "fine.xes.gz"
    path.write_bytes(_gzip_of(text))
    assert len(text) < 200 * path.stat().st_size
    limits = XesLimits(floor_bytes=1 << 10, block_bytes=1 << 16)
    assert read_xes_log(path, ImportOptions(), limits=limits).events.num_rows == 2000
