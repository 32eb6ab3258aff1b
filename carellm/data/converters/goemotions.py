"""GoEmotions (Demszky et al., 2020): google-research/goemotions, 27 emotions + neutral.

Two published shapes are read:
- the splits `data/{train,dev,test}.tsv`: `text<TAB>label ids (comma-separated)<TAB>comment id`,
  no header, ids indexing the 28-label list (data/emotions.txt);
- the raw ratings `data/full_dataset/goemotions_{1,2,3}.csv`: one row per rater with
  `text,id,author,subreddit,link_id,parent_id,created_utc,rater_id,example_very_unclear`
  and one 0/1 column per emotion. Rows are aggregated per comment id; a label is kept when
  at least `min_raters` raters chose it (2, the rule the authors used for the splits).
  Aggregation keeps one small entry per comment in memory (58k comments in the release).

Each example becomes one user message with `labels.emotion`, in the same file format as
dialogues.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from carellm.data.converters.base import Item, build, guard_start, mismatch, require_columns
from carellm.data.io import Reject, iter_csv, iter_lines
from carellm.data.licences import licence_for
from carellm.data.schema import Labels, Message
from carellm.emotion.labels import GOEMOTIONS

SOURCE = "goemotions"
HF_ID = "google-research-datasets/go_emotions"
RAW_COLUMNS = ("text", "id", "rater_id", "example_very_unclear")
MIN_RATERS = 2


def read(path: Path, encoding: str | None = None, min_raters: int = MIN_RATERS) -> Iterator[Item]:
    if path.suffix.lower() == ".csv":
        return guard_start(_read_raw(path, encoding, min_raters), path, SOURCE)
    return guard_start(_read_tsv(path, encoding), path, SOURCE)


def _example(comment_id: str, text: str, labels: list[str], number: int, **meta) -> Item:
    return build(
        number,
        id=comment_id,
        source=SOURCE,
        license=licence_for(SOURCE),
        lang="en",
        messages=[Message(role="user", content=text)],
        labels=Labels(emotion=labels),
        meta={"line": number, **meta},
    )


def _names(ids: Iterable) -> list[str]:
    names = []
    for raw in ids:
        index = int(raw)  # ValueError for a non-number
        if not 0 <= index < len(GOEMOTIONS):
            raise ValueError(f"label id {index} is outside 0..{len(GOEMOTIONS) - 1}")
        names.append(GOEMOTIONS[index])
    return names


def _read_tsv(path: Path, encoding: str | None) -> Iterator[Item]:
    for number, line in iter_lines(path, encoding):
        fields = line.split("\t")
        if len(fields) != 3:
            yield Reject(f"expected 3 tab-separated fields, found {len(fields)}", number, record=line[:500])
            continue
        text, ids, comment_id = fields
        try:
            labels = _names(i for i in ids.split(",") if i.strip())
        except ValueError as exc:
            yield Reject(f"bad label ids {ids!r}: {exc}", number, comment_id)
            continue
        if not labels:
            yield Reject("no label", number, comment_id)
            continue
        yield _example(comment_id, text, labels, number)


def convert_rows(rows: Iterable[tuple[int, dict]]) -> Iterator[Item]:
    """Rows of the Hugging Face copy ("simplified": text, labels as a list of ids, id)."""
    for number, row in rows:
        try:
            labels = _names(row["labels"])
        except (ValueError, KeyError, TypeError) as exc:
            yield Reject(f"bad labels: {exc}", number, row.get("id"))
            continue
        yield _example(str(row["id"]), row["text"], labels, number)


def _read_raw(path: Path, encoding: str | None, min_raters: int) -> Iterator[Item]:
    rows = iter_csv(path, ",", encoding)
    first = next(rows, None)
    if first is None:
        return
    header = first[1]
    if len(header) == 1 and "\t" in header[0]:
        raise mismatch(path, SOURCE, "the raw ratings file is comma-separated, this one uses tabs")
    require_columns(path, SOURCE, header, (*RAW_COLUMNS, *GOEMOTIONS))
    col = {name: header.index(name) for name in (*RAW_COLUMNS, *GOEMOTIONS, "subreddit") if name in header}
    emotion_cols = [col[name] for name in GOEMOTIONS]
    seen: dict[str, list] = {}  # comment id -> [first line, text, raters, votes per label, meta]
    for number, fields in rows:
        if len(fields) != len(header):
            yield Reject(f"expected {len(header)} fields, found {len(fields)}", number)
            continue
        comment_id = fields[col["id"]]
        entry = seen.get(comment_id)
        if entry is None:
            subreddit = fields[col["subreddit"]] if "subreddit" in col else None
            entry = seen[comment_id] = [number, fields[col["text"]], 0, [0] * len(GOEMOTIONS), subreddit]
        if fields[col["example_very_unclear"]].strip().lower() in {"true", "1"}:
            continue
        try:
            votes = [int(fields[i] or 0) for i in emotion_cols]
        except ValueError:
            yield Reject("an emotion column is not 0/1", number, comment_id)
            continue
        entry[2] += 1
        entry[3] = [a + b for a, b in zip(entry[3], votes, strict=True)]
    for comment_id, (number, text, raters, votes, subreddit) in seen.items():
        labels = [GOEMOTIONS[i] for i, n in enumerate(votes) if n >= min_raters]
        if not labels:
            yield Reject(f"no label chosen by at least {min_raters} raters", number, comment_id)
            continue
        meta = {"raters": raters, **({"subreddit": subreddit} if subreddit else {})}
        yield _example(comment_id, text, labels, number, **meta)
