"""Built-in algorithms, run in a job's child process; nothing here imports the server.

`contract.run_training` is the training entry point; `registry.get(name).serve` answers
inferences. See DESIGN.md (layout) and reference/algorithms.md (formats and behaviour).
"""
