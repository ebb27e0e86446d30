"""Build the Chinese web font the pages use: Noto Sans CJK SC (SIL OFL 1.1), cut down to GB 2312,
ASCII, the punctuation Chinese text uses, and every character of the interface's own catalogue and
templates, as WOFF2. Intranet PCs may lack a Chinese font; with this one every page renders anyway.

The font files it writes are committed; run it only to refresh them, from a virtual environment with
fontTools and Brotli, and Debian's fonts-noto-cjk installed:

    python scripts/build-font.py
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto")
OUT = ROOT / "baomi" / "web" / "static" / "web" / "fonts"
# in Debian's .ttc collections: JP, KR, SC, TC, HK
SC_INDEX = 2
WEIGHTS = {"Regular": "400", "Bold": "700"}


def gb2312() -> set[str]:
    """Every character GB 2312 encodes: its symbols, both levels of hanzi, kana and Cyrillic."""
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                found.add(bytes((high, low)).decode("gb2312"))
    return found


def interface_text() -> set[str]:
    """Characters of the Chinese catalogue, the templates and the demo organization."""
    chars: set[str] = set()
    files = [
        ROOT / "baomi" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
        ROOT / "baomi" / "demo.py",
    ]
    files += list((ROOT / "baomi").rglob("*.html")) + list((ROOT / "baomi").rglob("defaults.toml"))
    for path in files:
        chars |= {c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7F}
    return chars


def characters() -> str:
    chars = gb2312() | interface_text()
    chars |= {chr(c) for c in range(0x20, 0x7F)}  # ASCII
    chars |= {chr(c) for c in range(0xA0, 0x100)}  # Latin-1
    chars |= {chr(c) for c in range(0x2000, 0x2070)}  # general punctuation
    chars |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK symbols and punctuation
    chars |= {chr(c) for c in range(0xFF00, 0xFFF0)}  # full-width forms
    chars |= {"★", "☆", "○", "●", "□", "■", "√", "×", "№", "①", "②", "③", "④", "⑤"}
    return "".join(sorted(c for c in chars if c.isprintable() or c == "\u3000"))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    text = OUT / "subset-characters.txt"
    text.write_text(characters(), encoding="utf-8")
    for style, weight in WEIGHTS.items():
        target = OUT / f"noto-sans-sc-{weight}.woff2"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "fontTools.subset",
                str(SOURCE / f"NotoSansCJK-{style}.ttc"),
                f"--font-number={SC_INDEX}",
                f"--text-file={text}",
                "--flavor=woff2",
                "--layout-features=*",
                "--no-hinting",
                "--desubroutinize",
                f"--output-file={target}",
            ],
            check=True,
        )
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
