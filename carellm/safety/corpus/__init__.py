"""The crisis layer's training data: public labelled sources, fetched, checked and split.

`carellm safety build-data --out DIR` rebuilds the training set from `sources.SOURCES`
(every file pinned by URL and SHA-256); `CARD.md` beside the model data says what each is.
"""
