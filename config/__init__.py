"""Data, not code: the bundled profiles and examples. The wheel carries this folder as `gapcheck.config`, read
with importlib.resources (gapcheck/profile.py); no module imports it."""
