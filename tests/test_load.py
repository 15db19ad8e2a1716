"""The loader: safe YAML only, strings kept as written, every key located."""

from __future__ import annotations

import pytest

from mlsd_diagrams.errors import SpecError
from mlsd_diagrams.load import MAX_BYTES, Mark, load_bytes, load_text


def errors_of(text: str | bytes) -> list[str]:
    with pytest.raises(SpecError) as caught:
        if isinstance(text, bytes):
            load_bytes(text, "s.yaml")
        else:
            load_text(text, "s.yaml")
    return [str(p) for p in caught.value.problems]


def test_keys_and_items_are_located():
    doc = load_text("a: 1\nlist:\n  - x\n  - {k: v}\n", "s.yaml")
    assert doc.marks[("a",)] == Mark(1, 1)
    assert doc.marks[("list", 1)] == Mark(4, 5)
    assert doc.marks[("list", 1, "k")] == Mark(4, 6)
    assert doc.mark(("list", 1, "missing")) == Mark(4, 5)  # its nearest located ancestor


@pytest.mark.parametrize("text", ["no", "on", "012", "1.10", "true", "0x1F", "2024-01-01"])
def test_scalars_stay_strings_as_written(text):
    assert load_text(f"v: {text}\n", "s.yaml").data == {"v": text}


def test_nulls_and_quoted_nulls():
    doc = load_text("a:\nb: ~\nc: 'null'\n", "s.yaml")
    assert doc.data == {"a": None, "b": None, "c": "null"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", "s.yaml:3:1: a: duplicate key 'a' (first defined at line 1)"),
        (
            "a: !!python/object/apply:os.system [echo hi]\n",
            "s.yaml:1:4: YAML tags are not allowed "
            "(found 'tag:yaml.org,2002:python/object/apply:os.system'); remove the tag",
        ),
        (
            "a: &x [1]\nb: *x\n",
            "s.yaml:1:4: YAML anchors and aliases (&, *) are not allowed; repeat the value",
        ),
        ("", "s.yaml:1:1: file is empty; a design spec is a mapping (id: ..., title: ...)"),
        (
            "# only a comment\n",
            "s.yaml:2:1: file is empty; a design spec is a mapping (id: ..., title: ...)",
        ),
        (
            "- a\n- b\n",
            "s.yaml:1:1: the top level must be a mapping (id: ..., title: ...), not a list",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "s.yaml:2:1: several YAML documents in one file; keep one design per file",
        ),
        ("? [a, b]\n: 1\n", "s.yaml:1:3: a key must be a plain word, not a list or mapping"),
    ],
)
def test_refused_yaml(text, expected):
    assert errors_of(text) == [expected]


def test_syntax_error_is_located():
    (message,) = errors_of("a: [1, 2\nb: 3\n")
    assert message == (
        "s.yaml:1:4: this [ is not closed; close it with ] "
        "(or quote a value that contains ', ', ':', '[' or '{')"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: b: c\n",
            [
                "s.yaml:1:5: this value contains ': ', which YAML reads as a new key; quote the "
                'whole value: a: "b: c"'
            ],
        ),
        (
            "a: b\n  c: d\n",
            [
                "s.yaml:2:4: a key is indented under a value; align it with the keys above it, "
                "or quote the value if the ': ' belongs to it"
            ],
        ),
        (
            "a: 'open\nb: 1\n",
            [
                "s.yaml:1:4: this quote is never closed; close it on the same line (or the value "
                "runs to the end of the file)"
            ],
        ),
        (
            "a:\n  b: 1\n c: 2\nd: x: y\n",
            [
                "s.yaml:3:2: this line's indentation does not match the keys above it; indent it "
                "like its siblings",
                "s.yaml:4:5: this value contains ': ', which YAML reads as a new key; quote the "
                'whole value: d: "x: y"',
            ],
        ),
    ],
)
def test_syntax_errors_say_what_to_do_and_come_all_at_once(text: str, expected: list[str]):
    assert errors_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [", "s.yaml:1:5: the file ends inside a [ ... ] or { ... }; close it with ] or }"),
        ("a: {b: ", "s.yaml:1:8: the file ends inside a [ ... ] or { ... }; close it with ] or }"),
        (
            "a: [1,\n  2,",
            "s.yaml:2:5: the file ends inside a [ ... ] or { ... }; close it with ] or }",
        ),
    ],
)
def test_a_file_ending_inside_brackets_is_located_at_its_end(text: str, expected: str):
    """Found by the fuzz test: the error is past the last line (it was an IndexError)."""
    assert errors_of(text) == [expected]


def test_invalid_utf8_is_located():
    assert errors_of(b"a: ok\nb: caf\xe9\n") == [
        "s.yaml:2:7: file is not valid UTF-8; save it as UTF-8"
    ]


def test_size_cap():
    assert errors_of(b"a: " + b"x" * MAX_BYTES) == [
        f"s.yaml:1:1: file is larger than {MAX_BYTES:,} bytes; split the design"
    ]


def test_nesting_cap():
    (message,) = errors_of("a: " + "[" * 40 + "]" * 40 + "\n")
    assert "nested deeper than" in message


def test_duplicates_are_all_reported():
    assert len(errors_of("a: 1\na: 2\nb: 1\nb: 2\n")) == 2
