"""One folder per AWS service: a thin `api.py` plus domain modules."""
