"""Datasets: public corpora -> one schema -> clean -> the trainer's own format.

    schema.py       Conversation / Message / Labels (docs/data.md)
    converters/     one module per dataset + `mapped` (YAML); `convert(fmt, path)`
    clean.py        the cleaning pipeline (`Cleaner`, `clean_stream`, `clean_file`)
    text.py pii.py dedup.py split.py   its stages; parallel.py: the same with workers
    exporters/      llamafactory, swift, trl, openai, hf; `export(target, path, out)`
    mix.py          proportions, caps, licences; licences.py: who allows what
    stats.py        what a file holds

Nothing here imports torch; `datasets` and `pyarrow` are imported only by the exporters
and the hub loader that need them.
"""
