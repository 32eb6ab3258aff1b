"""Evaluation: the field's public benchmarks, a safety red-team suite and the emotion suite.

Each benchmark (benchmarks/) pins its public files, converts its items once (items.py) and
scores replies with its own published rubric and prompt through any OpenAI-compatible judge
(judge.py). Replies come from the whole CareLLM pipeline, or from the model alone with --raw
(replies.py), cached so runs resume. runner.py runs suites into a results JSON; report.py draws
it; compare.py tells whether a run regressed against another.
"""
