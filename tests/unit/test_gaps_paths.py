"""Integration ids and collection URLs: messages and layouts found unpinned by mutation testing (issue 15)."""

from __future__ import annotations

from typing import Any

import pytest

from sailpoint_sim import InvalidRequestError
from sailpoint_sim._config import Layout
from sailpoint_sim._paths import collection_url, validate_id


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (5, r"^id must be a string, got int$"),
        (None, r"^id must be a string, got NoneType$"),
        ("", r"^id must not be empty$"),
        (".", r"^id '\.' is not a valid integration id$"),
        ("..", r"^id '\.\.' is not a valid integration id$"),
        ("a\ud800", r"^id 'a\\ud800' is not valid Unicode text$"),
    ],
)
def test_a_refused_id_says_why(bad: Any, message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        validate_id(bad)


@pytest.mark.parametrize("good", ["62945a496ef440189b1f03e3623411c8", "...", ".a", "é/?#%", "😀"])
def test_any_other_text_is_an_id(good: str) -> None:
    assert validate_id(good) == good


def test_each_layout_has_its_collection_url() -> None:
    root = "https://t.example.com"
    assert collection_url(root, Layout.V2025, "v2025") == "https://t.example.com/v2025/sim-integrations"
    assert collection_url(root, Layout.V2025, "beta") == "https://t.example.com/beta/sim-integrations"
    assert collection_url(root, Layout.PER_RESOURCE, "v2025") == "https://t.example.com/sim-integrations/v1"
