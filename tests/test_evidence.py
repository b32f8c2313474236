"""Seed documents: whitespace normalising, finding quotes, staying inside the seeds folder."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from sim.scenario import seed_digests, sha256_file
from sim.scenario._evidence import normalise, quote_in_seed, resolve_seed

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
JAPAN_TIMES = "003_2db2a49aeaa6c9fd.txt"
KOREA_HERALD = "004_60682a737852945b.txt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("   ", ""),
        ("a", "a"),
        ("  a \n\t b\r\n\nc  ", "a b c"),
        ("already normal", "already normal"),
        ("non\u00a0breaking", "non breaking"),  # str.split treats NBSP as whitespace
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_is_idempotent() -> None:
    text = "x \n y\t\tz"
    assert normalise(normalise(text)) == normalise(text)


def test_quote_found_verbatim() -> None:
    seed = resolve_seed(SEEDS, JAPAN_TIMES)
    assert quote_in_seed(seed, "The pact is set to expire on Nov. 22.")


def test_quote_found_across_different_whitespace() -> None:
    seed = resolve_seed(SEEDS, JAPAN_TIMES)
    assert quote_in_seed(seed, "  The pact   is set\nto expire\ton Nov. 22.  ")


def test_quote_with_typographic_quotes_found() -> None:
    seed = resolve_seed(SEEDS, KOREA_HERALD)
    assert quote_in_seed(seed, "“The two sides have held negotiations in the past days.")


@pytest.mark.parametrize(
    ("name", "quote"),
    [
        (JAPAN_TIMES, "The pact is set to expire on Nov. 23."),  # one character off
        (JAPAN_TIMES, "the pact is set to expire on nov. 22."),  # case matters
        (JAPAN_TIMES, "The pact is set to expire on Nov. 22. The pact is set to expire"),
        (KOREA_HERALD, '"The two sides have held negotiations'),  # straight for curly quote
        (KOREA_HERALD, "The pact is set to expire on Nov. 22."),  # right words, wrong seed
    ],
)
def test_quote_not_found(name: str, quote: str) -> None:
    assert not quote_in_seed(resolve_seed(SEEDS, name), quote)


def test_quote_check_sees_a_changed_file(tmp_path: Path) -> None:
    seed = tmp_path / "s.txt"
    seed.write_text("first version", encoding="utf-8")
    assert quote_in_seed(seed, "first version")
    seed.write_text("second version", encoding="utf-8")
    stat = seed.stat()
    os.utime(seed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert quote_in_seed(seed, "second version")
    assert not quote_in_seed(seed, "first version")


def test_resolve_seed_inside_the_folder() -> None:
    path = resolve_seed(SEEDS, JAPAN_TIMES)
    assert path == (SEEDS / JAPAN_TIMES).resolve()
    assert path.is_file()


@pytest.mark.parametrize(
    "name",
    ["../pyproject.toml", "../seeds/../pyproject.toml", "/etc/passwd", "../../../../etc/hostname"],
)
def test_resolve_seed_rejects_paths_that_escape(name: str) -> None:
    with pytest.raises(ValueError, match="escapes the seeds directory"):
        resolve_seed(SEEDS, name)


def test_resolve_seed_rejects_a_symlink_that_escapes(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    (seeds / "link.txt").symlink_to(outside)
    with pytest.raises(ValueError, match="escapes the seeds directory"):
        resolve_seed(seeds, "link.txt")


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("005_missing.txt", "no such seed file"),
        (".", "no such seed file"),
        ("x" * 5000, "cannot open seed file"),
    ],
)
def test_resolve_seed_rejects_what_is_not_a_seed_file(name: str, rule: str) -> None:
    with pytest.raises(ValueError, match=rule):
        resolve_seed(SEEDS, name)


def test_resolve_seed_allows_subfolders(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("text", encoding="utf-8")
    assert resolve_seed(tmp_path, "sub/a.txt") == (tmp_path / "sub" / "a.txt").resolve()
    assert resolve_seed(tmp_path, "sub/../sub/a.txt") == (tmp_path / "sub" / "a.txt").resolve()


def test_sha256_file(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"negsim")
    assert sha256_file(path) == hashlib.sha256(b"negsim").hexdigest()


def test_seeds_readme_sha256_column_matches_the_files() -> None:
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", readme, flags=re.MULTILINE)
    table = dict(rows)
    assert len(table) == len(rows)  # no file listed twice
    assert table == seed_digests(SEEDS)
    assert len(table) == 5
