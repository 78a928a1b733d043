"""The bundled sample portal: a small fictional bureau site with a documented set of gaps."""

from pathlib import Path

AS_OF = "2026-11-20"
PORTAL_DIR = Path(__file__).parent / "portal"
