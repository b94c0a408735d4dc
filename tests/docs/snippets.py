"""The fenced code blocks of README.md and docs/*.md, each with the kind that says how it runs.

A block's kind is the HTML comment on the line just above its fence,
``<!-- snippet: KIND -->``; a block of code without one is an error of the
docs (``test_every_code_block_has_a_kind``), so a new snippet cannot escape
being run. Blocks with no language (benchmark output, a directory listing)
are text, not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
KINDS = {
    "api-curl": "run with bash against a live API server",
    "api-python": "run against a live API server",
    "python": "run in a fresh directory with its own database",
    "streamlit-page": "run as a Streamlit page (AppTest)",
    "streamlit-app": "the entry point and script of an app, run together (AppTest)",
    "shell": "syntax-checked with bash -n; every authgate command in it answers --help",
    "json": "parsed as JSON",
    "outline": "compiled only: an outline with '...' in place of code",
}

_FENCE = re.compile(r"^```(\S*)\s*$")
_MARK = re.compile(r"^<!--\s*snippet:\s*(\S+)\s*-->\s*$")


@dataclass(frozen=True)
class Snippet:
    path: Path
    line: int
    language: str
    kind: str | None
    code: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def collect() -> list[Snippet]:
    found: list[Snippet] = []
    for path in DOCUMENTS:
        lines = path.read_text(encoding="utf-8").splitlines()
        index = 0
        while index < len(lines):
            opened = _FENCE.match(lines[index])
            if opened is None:
                index += 1
                continue
            mark = _MARK.match(lines[index - 1]) if index else None
            end = index + 1
            while end < len(lines) and lines[end].rstrip() != "```":
                end += 1
            found.append(
                Snippet(
                    path=path,
                    line=index + 1,
                    language=opened.group(1),
                    kind=mark.group(1) if mark else None,
                    code="\n".join(lines[index + 1 : end]) + "\n",
                )
            )
            index = end + 1
    return found


def of_kind(*kinds: str) -> list[Snippet]:
    return [s for s in collect() if s.kind in kinds]
