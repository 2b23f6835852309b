"""Alignment results: gather the inputs, run the engine, store and read results.

- `inputs`: the selector that turns an evaluation into an `EvaluationInput` with a
  fixed number of queries (ratings are aggregated by the database).
- `jobs`: the services behind the recompute job (request, coalesce, recompute).
- `read`: what pages show (the current run, staleness, breakdowns).
"""
