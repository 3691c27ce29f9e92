"""What an import did (or, in a dry run, would do): counts, reasons, and the report a
person reads at the end of ``yorum import``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from yorum.importers import Skipped

EXAMPLES = 20
"""Skipped records the report lists one by one (all are counted)."""


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    source: str
    site_id: str
    dry_run: bool
    read: int = 0  # records the source yielded
    imported: int = 0  # comments stored (placeholders included)
    already_there: int = 0  # records imported before
    orphans: int = 0  # replies whose parent was never found: stored top-level
    threads_created: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count
    notes: Counter[str] = field(default_factory=Counter)  # changes made to fit limits
    restored: Counter[str] = field(default_factory=Counter)  # a full backup's other parts
    examples: list[Skipped] = field(default_factory=list)  # the first skipped records
    broken: str = ""  # why the source could not be read to its end

    def skip(self, record: Skipped) -> None:
        """Count a record that is not imported, and keep it as an example if there is room."""
        self.skipped[record.reason] += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(record)

    def lines(self) -> list[str]:
        """The report as a person reads it."""
        verb = "would be" if self.dry_run else "were"
        head = f"{self.source} into site {self.site_id}"
        out = [f"Import of {head}{' (dry run: nothing was written)' if self.dry_run else ''}"]
        out.append(f"  records read:       {self.read}")
        out.append(f"  comments imported:  {self.imported}  ({verb} stored)")
        out.append(f"  already there:      {self.already_there}")
        out.append(f"  threads created:    {self.threads_created}")
        out.append(f"  orphans:            {self.orphans}  (parent never found: top-level)")
        out.append(f"  skipped:            {sum(self.skipped.values())}")
        for reason, n in sorted(self.skipped.items(), key=lambda item: (-item[1], item[0])):
            out.append(f"    {n:>8}  {reason}")
        if self.restored:
            parts = ", ".join(f"{what} {n}" for what, n in sorted(self.restored.items()))
            out.append(f"  restored:           {parts}")
        for note, n in sorted(self.notes.items()):
            out.append(f"  note: {note}: {n}")
        if self.examples:
            out.append(f"  first skipped records (of {sum(self.skipped.values())}):")
            for example in self.examples:
                out.append(f"    {example.source_id or '(no id)'}: {example.reason}")
        if self.broken:
            out.append(f"  stopped: {self.broken}")
            out.append("  the batches before this point were imported; run again once fixed")
        return out
