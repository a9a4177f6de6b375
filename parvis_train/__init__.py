"""Training, generated data and evaluation of the moderation models: `make model`, `make eval`.

Not part of the server: it needs the `[train]` extra (scikit-learn, SciPy, matplotlib), and the
wheel leaves it out. The server only loads what this writes (`parvis/moderation/models/*.npz`,
`parvis/moderation/data/lexicon.json`), with NumPy.
"""
