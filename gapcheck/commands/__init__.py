"""Commands of the daily work loop, one module each; gapcheck/cli.py parses their arguments and opens the
store they get."""
