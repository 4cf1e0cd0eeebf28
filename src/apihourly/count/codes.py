"""Text columns as small integer codes, the one place that packs codes into
integer keys and unpacks them, and the registry that gives every
(integration category, entity) pair one code across batches.

Grouping on codes instead of strings is what lets a big day be counted
without per-row Python work: the category rule runs once per distinct
combination of names, never per call.
"""

from __future__ import annotations

from .. import schema

PACK_LIMIT = 2**62  # text codes are packed into one int64 key below this many combinations
DENSE_LIMIT = 1 << 22  # ... and looked up in a table below this many
PAIR_FIELDS = (*schema.CATEGORY_FIELDS, "entity")


def text_codes(column):
    """Integer codes (numpy int64) and the text each stands for: trimmed, ''
    for missing. The last code is the missing value. Every report that groups
    by text cleans it here, so they all agree on what one name is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..arrays import int_values

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not pa.types.is_dictionary(column.type):
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            column = column.cast(pa.string())
        column = pc.dictionary_encode(column)
    dictionary = column.dictionary
    if not (pa.types.is_string(dictionary.type) or pa.types.is_large_string(dictionary.type)):
        dictionary = dictionary.cast(pa.string())
    values = [v or "" for v in pc.utf8_trim_whitespace(dictionary).to_pylist()] + [""]
    return int_values(column.indices, null_as=len(values) - 1), values


def unpack(key: int, sizes: list[int]) -> tuple[int, list[int]]:
    """The digits of a mixed-radix key whose last digits have the given
    sizes (most significant first), and what was packed before them."""
    digits = []
    for size in reversed(sizes):
        key, digit = divmod(key, size)
        digits.append(digit)
    return key, digits[::-1]


def category_keys(batch, key):
    """`key` (one int64 per row) extended with the row's category codes, and
    the texts those codes stand for, per category field."""
    texts = []
    for name in schema.CATEGORY_FIELDS:
        codes, values = text_codes(batch.column(batch.schema.get_field_index(name)))
        key = key * len(values) + codes
        texts.append(values)
    return key, texts


def split_category_key(key: int, texts: list[list[str]]) -> tuple[int, tuple[str, ...]]:
    """(what was packed before the category codes, the category texts)."""
    rest, digits = unpack(key, [len(values) for values in texts])
    return rest, tuple(values[d] for values, d in zip(texts, digits))


def category_mask(batch, triples: set[tuple[str, str, str]]):
    """A NumPy mask of the rows whose (vendor, integration, tracking id),
    trimmed, is one of `triples`; decided once per distinct code combination."""
    import numpy as np

    key, texts = category_keys(batch, np.zeros(batch.num_rows, dtype=np.int64))
    good = [k for k in np.unique(key).tolist() if split_category_key(k, texts)[1] in triples]
    return np.isin(key, np.asarray(good, dtype=np.int64))


class CodeBook:
    """Codes handed out so far: per text field, per integration category and
    per (category, entity) pair. One book serves every batch of a read, so
    codes mean the same thing across batches and files."""

    def __init__(self) -> None:
        self.text: dict[str, dict[str, int]] = {f: {} for f in PAIR_FIELDS}
        self.categories: dict[schema.Category, int] = {}
        self.pairs: dict[tuple[int, int], int] = {}

    def pair_codes(self, table):
        """Per row of `table`, the code of its (category, entity) pair. The
        four text codes are packed into one key, so the category rule runs
        once per distinct combination, not per row."""
        import numpy as np

        codes = {f: self.codes(table.column(f), self.text[f]) for f in PAIR_FIELDS}
        sizes = [max(len(self.text[f]), 1) for f in PAIR_FIELDS]
        combinations = int(np.prod(sizes, dtype=float))
        if combinations >= PACK_LIMIT:  # absurdly many distinct names: go slow but right
            keys = np.unique(np.column_stack([codes[f] for f in PAIR_FIELDS]), axis=0, return_inverse=True)
            uniques, row_codes = keys[0].tolist(), keys[1].ravel()
        else:
            key = codes[PAIR_FIELDS[0]].astype(np.int32 if combinations < 2**31 else np.int64)
            for f, size in zip(PAIR_FIELDS[1:], sizes[1:]):
                key *= size
                key += codes[f]
            row_codes, packed = distinct(key, combinations)
            uniques = [unpack(k, sizes)[1] for k in packed.tolist()]
        names = [list(self.text[f]) for f in PAIR_FIELDS]
        lookup = [self._pair([n[i] for n, i in zip(names, combo)], combo[-1]) for combo in uniques]
        return np.array(lookup or [0], dtype=np.int32)[row_codes]

    def pair_categories(self) -> list[schema.Category]:
        """The category of every pair code, in code order."""
        by_code = list(self.categories)
        return [by_code[category] for category, _ in self.pairs]

    def label_positions(self) -> tuple[list[int], list[str]]:
        """Per category code, its label's position in summary column order;
        and the labels in that order."""
        label_of = schema.column_labels(set(self.categories))
        labels = sorted(label_of.values(), key=lambda lab: next(c for c in label_of if label_of[c] == lab).sort_key)
        at = {lab: i for i, lab in enumerate(labels)}
        return [at[label_of[c]] for c in self.categories], labels

    def _pair(self, texts: list[str], entity: int) -> int:
        category = schema.category_of(*texts[:3])
        code = self.categories.setdefault(category, len(self.categories))
        return self.pairs.setdefault((code, entity), len(self.pairs))

    @staticmethod
    def codes(column, registry: dict[str, int]):
        """Codes of cleaned text values in `registry` (which grows as needed)."""
        import numpy as np

        codes, values = text_codes(column)
        lookup = np.array([registry.setdefault(v, len(registry)) for v in values], dtype=np.int32)
        return lookup[codes]


def distinct(key, combinations: int):
    """(code per row, distinct keys), like pandas.factorize but, when the
    keys are few (the usual case: tens of integrations and entities),
    by counting, which allocates less and runs several times faster."""
    import numpy as np

    if combinations > DENSE_LIMIT:
        import pandas as pd

        return pd.factorize(key)
    present = np.flatnonzero(np.bincount(key, minlength=combinations))
    table = np.zeros(combinations, dtype=np.int32)
    table[present] = np.arange(len(present), dtype=np.int32)
    return table[key], present
