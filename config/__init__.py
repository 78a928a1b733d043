"""Bundled profiles: YAML data shipped with gapcheck, found with importlib.resources."""
