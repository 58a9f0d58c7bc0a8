"""Reporters' JSON writer: `json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte.

Consumes plain JSON data (dicts, lists, tuples, strings, numbers, booleans, None) and
produces its text, in pieces. With `indent`, the standard library's encoder runs in pure
Python, one generator per container, and `json.dumps` keeps every small piece until it
joins them: for a large report that is most of the run's time and memory. Here each
container is written by one loop into a shared list, strings go through the C escaper,
and `chunks` hands out the text as it grows, so the writer never holds all of it. An
iterator in place of a list (`map(...)`) is written as an array, so a reporter can build
its documents one element at a time. `tests/test_jsontext.py` compares the two on
generated data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring  # the C version when the interpreter has it

_INDENT = "  "
_CHUNK = 4096  # pieces joined into one chunk by `chunks`


def dumps(value) -> str:
    """The text of `json.dumps(value, indent=2, ensure_ascii=False)`."""
    out: list[str] = []
    _write(value, 0, out)
    return "".join(out)


def chunks(value, size: int = _CHUNK) -> Iterator[str]:
    """The same text as `dumps(value)`, in chunks of about `size` pieces.

    Only the outermost object and its arrays are walked lazily; below that, an element
    is written whole."""
    out: list[str] = []
    for _ in _stream(value, out):
        if len(out) >= size:
            yield "".join(out)
            out.clear()
    if out:
        yield "".join(out)


def _stream(value, out: list[str]) -> Iterator[None]:
    """Write `value` at level 0 into `out`, pausing after each element of its arrays."""
    if not isinstance(value, dict) or not value:
        _write(value, 0, out)
        yield
        return
    out.append("{")
    first = True
    for key, item in value.items():
        out.append("\n" + _INDENT if first else ",\n" + _INDENT)
        first = False
        out.append(encode_basestring(_key(key)) + ": ")
        if isinstance(item, (list, tuple)) or _is_iterator(item):
            yield from _stream_array(item, out)
        else:
            _write(item, 1, out)
        yield
    out.append("\n}")


def _stream_array(items, out: list[str]) -> Iterator[None]:
    separator = ",\n" + _INDENT * 2
    first = True
    for item in items:
        out.append("[\n" + _INDENT * 2 if first else separator)
        first = False
        _write(item, 2, out)
        yield
    out.append("[]" if first else "\n" + _INDENT + "]")


def _is_iterator(value) -> bool:
    return isinstance(value, Iterator)


def _key(key) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, (int, float)):  # written as the value would be
        return _scalar(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value) -> str | None:
    """The text of a value that is not a container; None for a container."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, (list, tuple, dict)) or _is_iterator(value):
        return None
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _write(value, level: int, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        _write_object(value, level, out)
    elif kind is list or kind is tuple:
        _write_array(value, level, out)
    else:
        text = _scalar(value)
        if text is not None:
            out.append(text)
        elif isinstance(value, dict):
            _write_object(value, level, out)
        else:
            _write_array(value, level, out)


# The text before each value of an object: the separator, the indentation and the encoded
# key, by (level, key, first). Reports repeat a few dozen keys at a few levels.
_KEY_TEXTS: dict[tuple[int, str, bool], str] = {}


def _key_text(level: int, key, first: bool) -> str:
    text = _KEY_TEXTS.get((level, key, first))
    if text is None:
        text = ("{" if first else ",") + "\n" + _INDENT * (level + 1) + encode_basestring(_key(key)) + ": "
        if type(key) is str and len(_KEY_TEXTS) < 4096:
            _KEY_TEXTS[(level, key, first)] = text
    return text


def _write_object(value: dict, level: int, out: list[str]) -> None:
    if not value:
        out.append("{}")
        return
    first = True
    for key, item in value.items():
        out.append(_KEY_TEXTS.get((level, key, first)) or _key_text(level, key, first))
        first = False
        kind = type(item)
        if kind is str:
            out.append(encode_basestring(item))
        elif item is None:
            out.append("null")
        elif item is True:
            out.append("true")
        elif item is False:
            out.append("false")
        elif kind is int:
            out.append(int.__repr__(item))
        else:
            _write(item, level + 1, out)
    out.append("\n" + _INDENT * level + "}")


def _write_array(items: Iterable, level: int, out: list[str]) -> None:
    inner = "\n" + _INDENT * (level + 1)
    opening = "[" + inner
    separator = "," + inner
    empty = True
    for item in items:
        empty = False
        out.append(opening)
        opening = separator
        kind = type(item)
        if kind is str:
            out.append(encode_basestring(item))
        elif kind is int:
            out.append(int.__repr__(item))
        else:
            _write(item, level + 1, out)
    out.append("[]" if empty else "\n" + _INDENT * level + "]")
