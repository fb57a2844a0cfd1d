"""A griffe extension for the API reference: docstring examples shown as Python console code.

scorekit's docstrings carry runnable ``>>>`` examples in their text (pytest runs them), not in
an "Examples:" section, so Markdown would read them as prose: ``[a, b]`` output lines even look
like link references to it. This wraps each example block (from its ``>>>`` line to the next
blank line, as doctest reads it) in a ``pycon`` fence before the docstring is parsed. Used by
``mkdocs.yml`` only; nothing in the package imports it.
"""

from __future__ import annotations

import griffe

_PROMPT = ">>>"


def fence_examples(text: str) -> str:
    r"""``text`` with every doctest block fenced as ``pycon``.

    >>> fence_examples("Sum:\n\n>>> 1 + 1\n2\n\nDone.").splitlines()
    ['Sum:', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'Done.']
    """
    out: list[str] = []
    inside = False
    fence_indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if not inside and stripped.startswith(_PROMPT):
            inside = True
            fence_indent = line[: len(line) - len(stripped)]
            out.append(f"{fence_indent}```pycon")
        elif inside and not stripped:
            inside = False
            out.append(f"{fence_indent}```")
        out.append(line)
    if inside:
        out.append(f"{fence_indent}```")
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Fence the ``>>>`` examples of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: object) -> None:  # noqa: ARG002 - griffe passes node and agent too
        """Rewrite the docstring of `obj` before anyone parses it."""
        if obj.docstring is not None:
            obj.docstring.value = fence_examples(obj.docstring.value)
