"""The translations are complete both ways: every message the code and templates mark for
translation has its Chinese translation and its English entry, and both catalogues compile.

The messages are extracted afresh, as `makemessages` does, from a copy of the package (the
catalogues in the package are only read), so a string added without its translations fails
here, by name.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import call_command

import baomi

PACKAGE = Path(baomi.__file__).parent
CATALOGUES = {
    lang: PACKAGE / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in ("zh_Hans", "en")
}

Key = tuple[str, str]  # (context, msgid)


def _unquote(lines: list[str]) -> str:
    text = "".join(re.match(r'^\s*"(.*)"\s*$', line).group(1) for line in lines)  # type: ignore[union-attr]
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def parse(po: Path) -> dict[Key, tuple[list[str], bool]]:
    """Each entry of a .po or .pot file: (context, msgid) → (its msgstr forms, fuzzy).
    Obsolete entries (#~) and the header are left out."""
    entries: dict[Key, tuple[list[str], bool]] = {}
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, list[str]] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            found = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
            if found:
                current = found.group(1)
                fields[current] = [found.group(2)]
            elif current and line.startswith('"'):
                fields[current].append(line)
        if "msgid" not in fields:
            continue
        msgid = _unquote(fields["msgid"])
        if not msgid:
            continue  # the header
        context = _unquote(fields["msgctxt"]) if "msgctxt" in fields else ""
        forms = [_unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        entries[(context, msgid)] = (forms, fuzzy)
    return entries


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[Key, tuple[list[str], bool]]:  # type: ignore[no-untyped-def]
    """The messages of the code now, extracted by makemessages (xgettext) from a copy."""
    from django.test import override_settings

    copy = tmp_path_factory.mktemp("messages") / "baomi"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    started = time.monotonic()
    # makemessages reads the tree under the working directory and writes to LOCALE_PATHS
    with override_settings(LOCALE_PATHS=[copy / "locale"]), contextlib.chdir(copy):
        call_command(
            "makemessages", locale=["zh_Hans"], keep_pot=True, no_obsolete=True, verbosity=0
        )
    took = time.monotonic() - started
    assert took < 60, f"extracting the messages took {took:.0f} s"
    return parse(copy / "locale" / "django.pot")


def _named(keys: list[Key]) -> str:
    return "\n".join(f"  {ctx + ' | ' if ctx else ''}{msgid!r}" for ctx, msgid in sorted(keys))


def test_every_message_has_its_chinese_translation(extracted):
    zh = parse(CATALOGUES["zh_Hans"])
    assert len(extracted) > 500
    missing = [
        key
        for key in extracted
        if key not in zh or zh[key][1] or not all(form.strip() for form in zh[key][0])
    ]
    assert not missing, f"{len(missing)} messages without a Chinese translation:\n{_named(missing)}"


def test_every_message_has_its_english_entry(extracted):
    """English is the language of the msgids: an entry may leave msgstr empty (the msgid is
    the English), but it must be there and not fuzzy."""
    en = parse(CATALOGUES["en"])
    missing = [key for key in extracted if key not in en or en[key][1]]
    assert not missing, (
        f"{len(missing)} messages missing from the English catalogue:\n{_named(missing)}"
    )


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_the_catalogue_has_no_fuzzy_entry_and_compiles(lang, tmp_path):
    entries = parse(CATALOGUES[lang])
    fuzzy = [key for key, (_, is_fuzzy) in entries.items() if is_fuzzy]
    assert not fuzzy, f"fuzzy entries in {lang}:\n{_named(fuzzy)}"
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOGUES[lang])],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_the_reader_reads_contexts_plurals_and_fuzzy_flags(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Header"\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgstr "五月"\n\n'
        '#, fuzzy, python-format\nmsgid "%(n)s row"\nmsgid_plural "%(n)s rows"\n'
        'msgstr[0] ""\n"%(n)s 行"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "去"\n',
        encoding="utf-8",
    )
    assert parse(po) == {
        ("month", "May"): (["五月"], False),
        ("", "%(n)s row"): (["%(n)s 行"], True),
    }
