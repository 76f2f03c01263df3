"""The compiled scan of OCEL 2.0 XML gives what lxml's tree gives: on the example log, on random logs, and on
generated documents with escapes, references, CDATA, comments, odd white space and attribute order."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ocel_logs import EXAMPLE_XML, random_logs, written

from procmine.errors import LogValidationError
from procmine.ocel import xml_kernels as kernels
from procmine.ocel.source import read_bytes
from procmine.ocel.xml_io import read_ocel_xml, read_ocel_xml_tree
from procmine.ocel.xml_scan import read_xml_columns

TABLES = ("events", "objects", "event_objects", "object_relations", "object_attributes")


def _scanned(path: Path) -> bool:
    """Whether the scan read the file itself (not handing it to lxml)."""
    data = read_bytes(path)
    return read_xml_columns(data, re.search(rb"<log[\s>/]", data).start(), path) is not None


def _outcome(read, path: Path):
    try:
        log = read(path)
    except LogValidationError as exc:
        return "error", str(exc)
    return "log", tuple(getattr(log, name) for name in TABLES), log.event_types, log.object_types


def _same(path: Path) -> None:
    fast = _outcome(read_ocel_xml, path)
    exact = _outcome(lambda p: read_ocel_xml_tree(read_bytes(p), p), path)
    assert fast[0] == exact[0], (fast, exact)
    if fast[0] == "error":
        assert fast[1] == exact[1]
    else:
        assert all(a.equals(b) for a, b in zip(fast[1], exact[1]))
        assert fast[2:] == exact[2:]


def test_the_example_log_is_scanned_and_equals_the_tree_reader():
    assert _scanned(EXAMPLE_XML)
    _same(EXAMPLE_XML)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_logs())
def test_random_logs_written_as_xml_are_scanned_alike(log):
    with written(log, "log.xmlocel") as path:
        assert _scanned(path)
        _same(path)


_TEXT = st.text(st.sampled_from(list("ab Æø€𝄞&<>\"';#]\t\n\r")), max_size=6)
_REFERENCES = {"&": ["&amp;", "&#38;", "&#x26;"], "<": ["&lt;", "&#60;"], ">": [">", "&gt;", "&#x3E;"],
               '"': ['"', "&quot;", "&#34;"], "'": ["'", "&apos;", "&#39;"], "\t": ["\t", "&#9;"],
               "\n": ["\n", "&#10;"], "\r": ["\r", "&#13;"], "]": ["]", "&#93;"]}


@st.composite
def _escaped(draw, text: str, quote: str | None) -> str:
    """`text` written as XML may write it: each character raw where allowed, or as a reference."""
    written = []
    for char in text:
        choices = list(_REFERENCES.get(char, [char]))
        if char == quote or char in "&<":
            choices = [c for c in choices if c != char]
        written.append(draw(st.sampled_from(choices)))
    return "".join(written)


@st.composite
def _tag(draw, name: str, attributes: list[tuple[str, str]], empty: bool = False) -> str:
    """An opening (or empty) tag with the attributes in any order, either quote and any white space."""
    order = draw(st.permutations(attributes))
    space = st.sampled_from([" ", "  ", "\n\t", "\r\n "])
    parts = []
    for key, value in order:
        quote = draw(st.sampled_from(['"', "'"]))
        around = draw(st.sampled_from(["", " "]))
        parts.append(f"{draw(space)}{key}{around}={around}{quote}{draw(_escaped(value, quote))}{quote}")
    return f"<{name}{''.join(parts)}{draw(st.sampled_from(['', ' ']))}{'/' if empty else ''}>"


@st.composite
def _content(draw, name: str, attributes: list[tuple[str, str]], inner: str) -> str:
    """An element: empty when it has no content and the draw says so, else with its content."""
    if not inner and draw(st.booleans()):
        return draw(_tag(name, attributes, empty=True))
    return f"{draw(_tag(name, attributes))}{inner}</{name}>"


@st.composite
def _value_element(draw, attributes: list[tuple[str, str]]) -> str:
    text = draw(_TEXT)
    cdata = "]]>" not in text and draw(st.integers(0, 4)) == 0
    body = f"<![CDATA[{text}]]>" if cdata else draw(_escaped(text, None))
    return draw(_content("attribute", attributes, body))


@st.composite
def ocel_documents(draw) -> tuple[str, bool]:
    """An OCEL 2.0 XML document, and whether it avoids what only lxml reads (single quotes excepted)."""
    gap = st.sampled_from(["", "\n", "\n  ", "\t", "\r\n"])
    objects, events = [], []
    count = draw(st.integers(1, 4))
    ids = [f"o{n}|{draw(_TEXT)}" for n in range(count)]
    for n, oid in enumerate(ids):
        values = "".join(draw(gap) + draw(_value_element([("name", "note"), ("time", "2024-01-01T00:00:00Z")]))
                         for _ in range(draw(st.integers(0, 2))))
        links = "".join(draw(gap) + draw(_tag("relationship", [("object-id", target), ("qualifier", draw(_TEXT))],
                                              empty=True)) for target in ids[n + 1:n + 2])
        inner = draw(_content("attributes", [], values)) + draw(gap) + draw(_content("objects", [], links))
        objects.append(draw(gap) + draw(_content("object", [("id", oid), ("type", "thing")], inner)))
    for n in range(draw(st.integers(1, 4))):
        values = draw(_value_element([("name", "who")])) if draw(st.booleans()) else ""
        links = "".join(draw(gap) + draw(_tag("relationship", [("object-id", oid), ("qualifier", "q")], empty=True))
                        for oid in draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)))
        inner = draw(_content("attributes", [], values)) + draw(_content("objects", [], links))
        events.append(draw(gap) + draw(_content("event", [("id", f"e{n}|{draw(_TEXT)}"), ("type", "act"),
                                                          ("time", "2024-01-02T03:04:05Z")], inner)))
    declared_object = draw(_tag("attribute", [("name", "note"), ("type", "string")], empty=True))
    declared_event = draw(_tag("attribute", [("name", "who"), ("type", "string")], empty=True))
    comment = "<!-- a comment -->" if draw(st.integers(0, 5)) == 0 else ""
    document = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<log>{draw(gap)}{comment}"
                f"<object-types><object-type name=\"thing\"><attributes>{declared_object}</attributes>"
                f"</object-type></object-types><event-types><event-type name=\"act\"><attributes>{declared_event}"
                f"</attributes></event-type></event-types>{draw(gap)}<objects>{''.join(objects)}</objects>"
                f"<events>{''.join(events)}</events>{draw(gap)}</log>{draw(gap)}")
    return document, not comment and "CDATA" not in document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ocel_documents())
def test_generated_documents_read_alike(drawn):
    document, plain = drawn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.xmlocel"
        path.write_bytes(document.encode("utf-8"))
        _same(path)
        if plain and not _single_quoted(document):
            assert _scanned(path)


_QUOTED = r"""(?:"[^"]*"|'[^']*')"""
_START_TAG = re.compile(rf"<[\w-]+((?:\s+[\w-]+\s*=\s*{_QUOTED})*)\s*/?>")
_ATTRIBUTE_VALUE = re.compile(rf"\s+[\w-]+\s*=\s*({_QUOTED})")


def _single_quoted(document: str) -> bool:
    """Whether a start tag quotes an attribute with ' (exact for a document without comments and CDATA:
    there every < starts markup, and an attribute's value may hold > or the other quote, never <)."""
    return any(value.group(1).startswith("'") for tag in _START_TAG.finditer(document)
               for value in _ATTRIBUTE_VALUE.finditer(tag.group(1)))


@pytest.mark.parametrize("change", [
    lambda d: d.replace('<event id="e1"', '<event id="e1" id="e2"'),             # an attribute twice
    lambda d: d.replace("</objects>\n  <events>", "</objects>\n  <events>text"),  # text between elements
    lambda d: d.replace('type="act"', "type='act'"),                           # single quotes (valid)
    lambda d: d.replace("<events>", "<events><event/>"),                         # an event without id
    lambda d: d.replace("</log>", "</log><log/>"),                              # a second root
    lambda d: d.replace("</events>", "</event></events>"),                        # an end tag too many
    lambda d: d.replace('qualifier="q"', 'qualifier="&unknown;"'),               # an undeclared entity
    lambda d: d.replace('qualifier="q"', 'qualifier="&#1;"'),                    # a character XML refuses
    lambda d: d.replace("<objects>", "<objects><x/>", 1),                        # an element OCEL lacks
    lambda d: d.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),            # another encoding
])
def test_unusual_documents_are_left_to_lxml_and_read_alike(tmp_path, change):
    document = ('<?xml version="1.0" encoding="UTF-8"?>\n<log><object-types><object-type name="t"><attributes/>'
                '</object-type></object-types><event-types><event-type name="act"><attributes/></event-type>'
                '</event-types><objects><object id="o1" type="t"/></objects>\n  <events><event id="e1" type="act" '
                'time="2024-01-02T03:04:05Z"><objects><relationship object-id="o1" qualifier="q"/></objects>'
                '</event></events></log>')
    path = tmp_path / "plain.xmlocel"
    path.write_bytes(document.encode("utf-8"))
    assert _scanned(path)
    changed = change(document)
    assert changed != document
    path.write_bytes(changed.encode("utf-8"))
    assert not _scanned(path)
    _same(path)


_PLAIN = ('<?xml version="1.0" encoding="UTF-8"?>\n<log><object-types><object-type name="t"><attributes>'
          '<attribute name="note" type="string"/></attributes></object-type></object-types><event-types>'
          '<event-type name="act"><attributes><attribute name="who" type="string"/></attributes></event-type>'
          '</event-types><objects>{objects}</objects>\n<events>{events}</events></log>\n')


def _document(objects: list[str], events: list[str]) -> str:
    return _PLAIN.format(objects="".join(objects), events="".join(events))


def _event(number: int, inner: str = "", tag: str = '<event id="e{n}" type="act" time="2024-01-02T03:04:05Z">') -> str:
    return f"{tag.format(n=number)}{inner}</event>"


@pytest.mark.parametrize("document", [
    # '>' and the other quote inside values, and a '>' in text
    _document([('<object id="o>1" type="t"><attributes><attribute name="note" time="2024-01-01T00:00:00Z">'
               "a > b 'c'</attribute></attributes></object>")],
              [_event(1, '<objects><relationship object-id="o>1" qualifier="it\'s > q"/></objects>')]),
    # references in values and text, resolved as XML resolves them
    _document([('<object id="o&amp;1" type="t"><attributes><attribute name="note" time="2024-01-01T00:00:00Z">'
               "&lt;&#x3E;&quot;&#9;&#13;\t\r\n</attribute></attributes></object>")],
              [_event(1, '<objects><relationship object-id="o&#38;1" qualifier="&quot;&#10;x&#x20;"/></objects>')]),
    # tags split over lines, white space around '=' and before '>' or '/>', CR LF between tags
    _document(['<object\n id = "o1"\r\n\ttype="t"\n><objects\n></objects ></object\n>'],
              ['\r\n' + _event(1, '<objects><relationship\tobject-id="o1"  qualifier="q"\n/></objects>',
                               '<event time="2024-01-02T03:04:05Z"\n  type="act" id="e{n}" >')]),
    # a value that is only white space, an empty value, and attributes of an event
    _document([('<object id="o1" type="t"><attributes><attribute name="note" time="2024-01-01T00:00:00Z">'
               "  </attribute></attributes></object>")],
              [_event(1, '<attributes><attribute name="who"></attribute></attributes>'
                         '<objects><relationship object-id="o1" qualifier=""/></objects>')]),
    # tags of one element whose skeletons differ only near their end, alternating
    _document(['<object id="o1" type="t"/>', '<object id="o2" type="t" />', '<object id="o3" type="t"/>'],
              [_event(n, '<objects><relationship object-id="o1" qualifier="q"/><relationship object-id="o2"'
                         f' qualifier="q"{" " * (n % 2)}/></objects>') for n in range(4)]),
], ids=["greater-than-and-quotes", "references", "odd-white-space", "white-and-empty-values", "near-skeletons"])
def test_plain_documents_with_awkward_values_and_tags_are_scanned_alike(tmp_path, document):
    path = tmp_path / "log.xmlocel"
    path.write_bytes(document.encode("utf-8"))
    assert _scanned(path)
    _same(path)


def test_more_distinct_tag_shapes_than_the_first_table_holds_are_scanned_alike(tmp_path):
    events = [_event(n, tag='<event id="e{n}"' + " " * (n + 1) + 'type="act" time="2024-01-02T03:04:05Z">')
              for n in range(150)]
    path = tmp_path / "log.xmlocel"
    path.write_bytes(_document(['<object id="o1" type="t"/>'], events).encode("utf-8"))
    assert _scanned(path)
    _same(path)


@pytest.mark.parametrize("document", [
    _document([], [_event(1)]).replace('id="e1"', 'id="e<1"'),                      # '<' in a value
    _document([], [_event(1)]).rstrip("\n")[:-3],                                    # the end tag cut short
    _document([], [_event(1)]).replace('type="act" time', 'type="act time'),           # a quote not closed
    _document([], [_event(1)]).replace("</event>", "<!-- a comment --></event>"),    # a comment
    _document([], [_event(1)]).replace("</event>", "<?pi x?></event>"),              # a processing instruction
    _document([], [_event(1)]).replace("</event>", "</events>"),                      # an end tag of another element
    _document([('<object id="o1" type="t"><attributes><attribute name="note"><x/></attribute></attributes>'
               "</object>")], [_event(1)]),                                           # an element in a value
], ids=["less-than-in-value", "cut-short", "unclosed-quote", "comment", "processing-instruction",
        "misnested", "element-in-value"])
def test_documents_the_scan_does_not_take_are_left_to_lxml_alike(tmp_path, document):
    path = tmp_path / "log.xmlocel"
    path.write_bytes(document.encode("utf-8"))
    assert not _scanned(path)
    _same(path)


def test_the_tag_scan_gives_tag_bounds_values_and_one_class_per_skeleton():
    data = b'<log a="1>2"><x b=""/>\n <x b="q"/>x</log>'
    raw = np.frombuffer(data, np.uint8)
    tags, quotes = kernels.count_marks(raw)
    start, end, skeleton = np.empty(tags, np.int32), np.empty(tags, np.int32), np.empty(tags, np.int32)
    first_value, white_after = np.empty(tags + 1, np.int32), np.empty(tags, np.bool_)
    values = kernels.Values(np.empty(len(raw), np.uint8), np.empty(quotes // 2 + 1, np.int32))
    status, count, shapes, bounds = kernels.scan_tags(raw, 0, start, end, skeleton, first_value, white_after, values)
    assert (status, count) == (kernels.OK, 4)
    assert [data[s:e + 1] for s, e in zip(start, end)] == [b'<log a="1>2">', b'<x b=""/>', b'<x b="q"/>', b"</log>"]
    assert skeleton.tolist() == [0, 1, 1, 2]
    assert [shapes[bounds[c]:bounds[c + 1]].tobytes() for c in range(3)] == [b'<log a="">', b'<x b=""/>', b"</log>"]
    assert first_value.tolist() == [0, 1, 2, 3, 3]
    assert [values.body[values.offsets[v]:values.offsets[v + 1]].tobytes() for v in range(3)] == [b"1>2", b"", b"q"]
    assert white_after.tolist() == [True, True, False, True]
    for cut in (b'<log a="1>', b"<log><x", b'<log a="<">'):
        assert kernels.scan_tags(np.frombuffer(cut, np.uint8), 0, start, end, skeleton, first_value, white_after,
                                 values)[0] == kernels.UNENDED
