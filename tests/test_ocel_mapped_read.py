"""OCEL files read through a memory map: the same bytes and rows as the copied bytes give, writes to a
private map never reach the file, and no map is left open after a read, also one that fails."""

from __future__ import annotations

import gc
import gzip
import mmap
from pathlib import Path

import numpy as np
import pytest
from ocel_logs import EXAMPLE_JSON, EXAMPLE_XML, assert_same_tables

from procmine.errors import LogValidationError
from procmine.importing.xes_safety import UTF8_BOM
from procmine.ocel import read_ocel
from procmine.ocel.source import mapped_bytes, read_bytes


def _mapped_here(path: Path) -> bool:
    """Whether this process maps `path` now (Linux: /proc/self/maps names each mapped file)."""
    return str(path.resolve()) in Path("/proc/self/maps").read_text()


def _variants(tmp_path: Path) -> dict[str, Path]:
    plain = EXAMPLE_XML.read_bytes()
    files = {"plain": plain, "gzipped": gzip.compress(plain), "bom": UTF8_BOM + plain, "empty": b""}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return {name: tmp_path / name for name in files}


@pytest.mark.parametrize("variant", ["plain", "gzipped", "bom", "empty"])
@pytest.mark.parametrize("writable", [False, True])
def test_mapped_bytes_equal_the_copied_bytes(tmp_path, variant, writable):
    path = _variants(tmp_path)[variant]
    with mapped_bytes(path, writable) as content:
        assert isinstance(content, mmap.mmap) == (variant == "plain")
        assert bytes(content) == read_bytes(path)
        assert np.frombuffer(content, np.uint8).flags.writeable == writable


def test_writes_to_a_private_map_stay_in_the_process(tmp_path):
    path = _variants(tmp_path)["plain"]
    before = path.read_bytes()
    with mapped_bytes(path, writable=True) as content:
        view = np.frombuffer(content, np.uint8)
        view[:5] = ord("x")
        assert bytes(content[:5]) == b"xxxxx"
        del view
    assert path.read_bytes() == before


def test_the_map_is_closed_when_the_block_fails(tmp_path):
    path = _variants(tmp_path)["plain"]
    with pytest.raises(KeyError), mapped_bytes(path) as content:
        assert _mapped_here(path)
        raise KeyError("inside the block")
    assert content.closed and not _mapped_here(path)


def test_a_view_held_by_the_error_does_not_replace_it(tmp_path):
    path = _variants(tmp_path)["plain"]

    def failing(content):
        view = np.frombuffer(content, np.uint8)  # noqa: F841 (held by the traceback's frame)
        raise ValueError("the reader's own error")

    with pytest.raises(ValueError, match="the reader's own error") as raised, mapped_bytes(path) as content:
        failing(content)
    assert not content.closed   # the traceback still holds the view, so the map waits for it
    del raised
    gc.collect()
    content.close()             # the view gone, nothing holds the map
    assert not _mapped_here(path)


@pytest.mark.parametrize("example", [EXAMPLE_XML, EXAMPLE_JSON])
def test_a_plain_file_reads_as_its_gzipped_copy_and_is_unmapped_after(tmp_path, example):
    packed = tmp_path / f"log{example.suffix}.gz"
    packed.write_bytes(gzip.compress(example.read_bytes()))
    plain = tmp_path / f"log{example.suffix}"
    plain.write_bytes(example.read_bytes())
    assert_same_tables(read_ocel(plain), read_ocel(packed))
    assert not _mapped_here(plain)


@pytest.mark.parametrize("example, broken", [
    (EXAMPLE_XML, lambda text: text.replace(b"</events>", b"</event>")),
    (EXAMPLE_XML, lambda text: text.replace(b"<log", b"<!DOCTYPE log>\n<log", 1)),
    (EXAMPLE_JSON, lambda text: text.replace(b'"events"', b'"events": 1, "x"', 1)[:-40]),
])
def test_no_map_is_left_after_a_read_that_fails(tmp_path, example, broken):
    path = tmp_path / f"broken{example.suffix}"
    path.write_bytes(broken(example.read_bytes()))
    with pytest.raises(LogValidationError):
        read_ocel(path)
    assert not _mapped_here(path)
