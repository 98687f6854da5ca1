"""Keep the message catalogs in step with the code: extract, update, check.

    python -m borderlink.web.i18n_tools extract  # messages.pot, then the vi, zh_Hans, en catalogs
    python -m borderlink.web.i18n_tools check    # exit 1, listing every message left to translate

Messages come from `_()` calls (and the other gettext-style markers, `N_()` for a text kept in a
table), from the messages of the errors services raise, in the Python code and the templates, as
mapped in babel.cfg. The few messages a page handler passes to its template in a
variable (`_(error)`) cannot be found that way, so they are listed here. Code lists (roles, tiers,
statuses...) have their labels in every language in each domain's
data/codelists.json, from where `extract` carries them into the catalogs under the list's name as
message context (msgctxt), and `check` verifies the two agree. English is the source language: its
catalog is filled with the source text.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import importlib.metadata
import io
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from borderlink import domains
from borderlink.web.i18n import LANGUAGE_NAMES, LANGUAGES

SOURCE_LANGUAGE = "en"
PROJECT = "BorderLink"
TRANSLATIONS = Path("src/borderlink/web/translations")
MAPPING = Path("babel.cfg")
COMMENT_TAGS = ("NOTE:",)
# The gettext markers, and the errors a service raises: their first argument is a message id that
# pages and API answers show translated (see borderlink.errors), so it is extracted like `_()`.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    **dict.fromkeys(("BorderLinkError", "NotFound", "Forbidden", "Conflict", "InvalidInput",
                     "AuthenticationFailed", "rule_error")),
}

# Texts the code hands to a template in a variable, which the template translates: (text, note).
INDIRECT_MESSAGES: tuple[tuple[str, str], ...] = (
    ("The form expired; please try again.", "Login page error."),
    ("Wrong password or code.", "Preferences page error: the password or the second-factor code was wrong."),
    ("No second factor is enabled.", "Preferences page error."),
    ("The new passwords differ.", "Password change page error: the two entries of the new password differ."),
    ("Wrong password.", "Password change page error: the current password was wrong."),
    ("The new password needs at least %(count)s characters.", "Password change page error."),
    ("Your password was changed; your other sessions were ended.", "Password change page: success."),
    ("Wrong username, password or code.", "Login page error."),
)


def all_indirect_messages() -> list[tuple[str, str]]:
    """The core's indirect messages, each domain's and the domains' navigation labels."""
    return [*INDIRECT_MESSAGES, *domains.indirect_messages()]


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([a-zA-Z%])")
_UNSTABLE_HEADERS = re.compile(rb'^"(?:POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.MULTILINE)


def default_root() -> Path:
    """The project folder: the one holding babel.cfg, three levels above this package folder."""
    return Path(__file__).resolve().parents[3]


def catalog_path(root: Path, language: str) -> Path:
    return root / TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def placeholders(text: str) -> Counter[str]:
    """The `%(name)s` placeholders of a text, counted; a bare `%` counts as `%` (`%%` does not)."""
    found: Counter[str] = Counter()
    for match in _PLACEHOLDER.finditer(text):
        name, conversion = match.groups()
        if conversion == "%":
            continue
        found[f"%({name}){conversion}" if name else f"%{conversion}"] += 1
    return found


def _texts(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def is_translated(message: Message) -> bool:
    """Whether a catalog entry is used at run time: a text in every form, and not fuzzy."""
    texts = _texts(message.string)
    return not message.fuzzy and bool(texts) and all(texts)


def _literal_locations(root: Path, text: str) -> list[tuple[str, int]]:
    """Where a message appears as a string literal in the Python code (outside this module)."""
    quoted = (f'"{text}"', f"'{text}'")
    here = Path(__file__).resolve()
    found = []
    for path in sorted((root / "src" / "borderlink").rglob("*.py")):
        if path.resolve() == here:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if any(q in line for q in quoted):
                found.append((path.relative_to(root).as_posix(), number))
    return found


def extract(root: Path | None = None) -> Catalog:
    """Every message the code and templates use, as a template catalog (nothing written)."""
    root = root or default_root()
    with (root / MAPPING).open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(MAPPING))  # type: ignore[no-untyped-call]
    template = _new_catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        root, method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True,
    ):
        if isinstance(message, str) and not any(ch.isalpha() for ch in message):
            continue  # a separator an error message is joined with, not a text to translate
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for text, note in all_indirect_messages():
        template.add(text, None, _literal_locations(root, text), auto_comments=[note])
    for domain in domains.DOMAINS:
        for name, code_list in sorted(domain.code_lists.items()):
            for english, _labels in code_list.messages():
                template.add(english, None, [(f"src/borderlink/{domain.name}/data/codelists.json", 0)],
                             context=name, auto_comments=[
                                 code_list.note, "From the code list's data file: edit the label there."])
    return template


def code_list_labels(language: str) -> dict[tuple[str, str], str]:
    """(list name, English label) -> the label in `language`, as the data files give them."""
    return {(name, english): labels.get(language) or english
            for name, code_list in domains.code_lists().items() for english, labels in code_list.messages()}


def _new_catalog(language: str | None = None) -> Catalog:
    """An empty catalog with this project's header: the template (no language) or a language's."""
    team = LANGUAGE_NAMES[language] if language else "LANGUAGE"
    title = f"{team} messages" if language else "Message template"
    return Catalog(
        locale=language, project=PROJECT, version=importlib.metadata.version("borderlink"),
        charset="utf-8", fuzzy=False, last_translator=f"{PROJECT} translators", language_team=team,
        header_comment=f"# {title} of {PROJECT}.\n# Updated from the code and templates by "
                       "`make i18n`; checked by `make i18n-check`.",
    )


def _render(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False)
    return out.getvalue()


def _write_if_changed(path: Path, catalog: Catalog) -> bool:
    """Write a catalog unless only its dates would change; True when the file was written."""
    content = _render(catalog)
    if path.is_file():
        unchanged = _UNSTABLE_HEADERS.sub(b"", content)
        if _UNSTABLE_HEADERS.sub(b"", path.read_bytes()) == unchanged:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def update(root: Path | None = None) -> dict[str, Catalog]:
    """Extract, write messages.pot, merge it into each language's catalog (created if missing)."""
    root = root or default_root()
    template = extract(root)
    _write_if_changed(root / TRANSLATIONS / "messages.pot", template)
    catalogs = {}
    for language in LANGUAGES:
        path = catalog_path(root, language)
        catalog = _read(path, language) if path.is_file() else _new_catalog(language)
        for message in template:  # a message that comes back keeps the translation it had
            if message.id and message.id not in catalog and message.id in catalog.obsolete:
                catalog[message.id] = catalog.obsolete.pop(message.id)
        catalog.update(copy.deepcopy(template))  # each catalog gets messages of its own
        labels = code_list_labels(language)
        for message in catalog:  # code-list labels: the data files are their source
            if message.context is not None and (message.context, str(message.id)) in labels:
                message.string = labels[(message.context, str(message.id))]
                message.flags.discard("fuzzy")
                message.previous_id = []
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id and not is_translated(message):
                    message.string = message.id
                    message.flags.discard("fuzzy")
                    message.previous_id = []
        _write_if_changed(path, catalog)
        catalogs[language] = catalog
    return catalogs


def problems(root: Path | None = None, languages: Iterable[str] = LANGUAGES) -> list[str]:
    """Every message used in the code that a catalog lacks, leaves empty or fuzzy, or mistranslates
    (placeholders that differ from the source's); empty when all is well."""
    root = root or default_root()
    template = extract(root)
    found = [f"message no longer in the code, drop it from INDIRECT_MESSAGES: {m.id!r}"
             for m in template if m.id and not m.locations]
    found += [problem for code_list in domains.code_lists().values() for problem in code_list.problems()]
    for language in languages:
        path = catalog_path(root, language)
        if not path.is_file():
            found.append(f"{language}: no catalog at {path.relative_to(root)}")
            continue
        catalog = _read(path, language)
        labels = code_list_labels(language)
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id, message.context)
            label = labels.get((message.context, str(message.id))) if message.context else None
            if entry is not None and label is not None and entry.string != label:
                found.append(f"{language}: the label of {message.id!r} in {message.context} differs from "
                             "data/codelists.json; run make i18n")
            if entry is None:
                found.append(f"{language}: missing: {message.id!r}")
            elif entry.fuzzy:
                found.append(f"{language}: fuzzy: {message.id!r}")
            elif not is_translated(entry):
                found.append(f"{language}: untranslated: {message.id!r}")
            else:
                source = placeholders(_texts(message.id)[0])
                for text in _texts(entry.string):
                    if placeholders(text) != source:
                        found.append(f"{language}: placeholders differ from the source: "
                                     f"{message.id!r} -> {text!r}")
    return found


def _summary(catalogs: dict[str, Catalog]) -> None:
    for language, catalog in catalogs.items():
        messages = [m for m in catalog if m.id]
        pending = [m for m in messages if not is_translated(m)]
        print(f"{language}: {len(messages) - len(pending)}/{len(messages)} translated")
        for message in pending:
            print(f"  to translate: {message.id!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m borderlink.web.i18n_tools",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("extract", "check"))
    parser.add_argument("--root", type=Path, default=None, help="project folder (holds babel.cfg)")
    args = parser.parse_args(argv)
    root: Path = args.root or default_root()
    if args.command == "extract":
        _summary(update(root))
        return 0
    found = problems(root)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} problem(s) in the catalogs: run `make i18n`, then translate.",
              file=sys.stderr)
        return 1
    count = len([m for m in extract(root) if m.id])
    print(f"All {count} messages are translated in {', '.join(LANGUAGES)}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
