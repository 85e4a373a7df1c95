"""Versioned prompt templates: every output names the prompt set's id and content hash.

Templates are files, not strings in code, so a prompt change is a reviewable diff and the hash
in each output says exactly which wording produced it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from string import Template


@dataclass(frozen=True)
class PromptSet:
    id: str
    templates: dict[str, Template]
    sha256: str

    def render(self, task: str, sentence: str) -> str:
        try:
            template = self.templates[task]
        except KeyError:
            raise KeyError(f"prompt set {self.id!r} has no template {task!r}") from None
        return template.substitute(sentence=sentence)


def load_prompts(prompt_id: str, root: Path) -> PromptSet:
    """All `*.txt` templates of one prompt set under `root` (each strategy keeps its own); the
    hash covers names and contents."""
    if not root.is_dir():
        raise ValueError(f"prompt folder {root} does not exist (extraction.prompt_dir)")
    folder = root / prompt_id
    files = sorted(folder.glob("*.txt"))
    if not files:
        known = ", ".join(sorted(p.name for p in root.iterdir() if p.is_dir()))
        raise ValueError(f"unknown prompt id {prompt_id!r} (known: {known})")
    digest = hashlib.sha256()
    templates: dict[str, Template] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + b"\0" + text.encode() + b"\0")
        templates[path.stem] = Template(text.rstrip("\n"))
    return PromptSet(prompt_id, templates, digest.hexdigest())
