"""Reasons in words: each phrase states what was measured on the row, and names every marker its group found."""

from __future__ import annotations

import pytest

from linktriage._reasons import PHRASES, group_phrase
from linktriage.features import FEATURE_GROUPS, FEATURE_NAMES

#: the binary or counted markers a reader can look for on the page: the phrase of their group must show each one
MARKERS = ["hidden", "rel_nofollow", "rel_ugc", "rel_sponsored", "page_guest_terms", "context_guest_terms",
           "page_disclosure", "page_disclosure_note", "target_paid_tracking", "page_directory_terms",
           "context_directory_terms", "phones", "addresses", "page_spam_terms", "context_spam_terms",
           "page_farm_terms", "context_farm_terms", "page_disclosure_markup", "schema_article", "schema_business",
           "schema_list", "schema_forum", "markup_sponsored", "path_guest", "path_directory", "path_farm",
           "path_forum", "path_profile", "target_root", "target_tracking", "target_affiliate", "anchor_starred",
           "page_affiliate_note", "heading_entries_log"]


def _row(**values: float) -> dict[str, float]:
    row = dict.fromkeys(FEATURE_NAMES, 0.0)
    row.update(position_content=1.0, anchor_branded=1.0, compression_ratio=0.5)
    row.update(values)
    return row


def test_every_feature_group_has_a_phrase():
    assert set(FEATURE_GROUPS.values()) == set(PHRASES)


@pytest.mark.parametrize("marker", MARKERS)
def test_a_phrase_shows_each_marker_of_its_group(marker):
    group = FEATURE_GROUPS[marker]
    assert group_phrase(group, _row(**{marker: 1.0})) != group_phrase(group, _row()), marker


def test_a_disclosure_note_is_not_read_as_no_guest_post_wording():
    # before: the phrase looked at guest-post words only, and a row the model called guest_post because of its
    # disclosure note read "no guest-post or sponsored wording"
    phrase = group_phrase("vocab_guest", _row(page_disclosure_note=1.0))
    assert phrase == "a guest-post / sponsored note on the page"
    assert group_phrase("vocab_guest", _row()) == "no guest-post or sponsored wording"


def test_signs_of_another_class_are_stated_as_counts():
    # a few listing words on an editorial page pushed it towards editorial: "directory signs" read as a contradiction
    import math

    assert group_phrase("vocab_directory", _row(page_directory_terms=math.log1p(1))) == "page holds 1 listing word"
    assert (group_phrase("vocab_directory", _row(phones=math.log1p(12), addresses=math.log1p(2)))
            == "page holds 12 phone numbers, 2 street addresses")
    assert group_phrase("vocab_farm", _row(page_farm_terms=math.log1p(3))).startswith("3 link-exchange words on the "
                                                                                       "page (")
    assert group_phrase("block", _row(block_external_domains=math.log1p(1))) == "its block links to 1 other site"
    assert (group_phrase("block", _row(block_external_domains=math.log1p(1), heading_entries_log=math.log1p(25)))
            == "its block links to 1 other site, link is the heading of one of 25 entries linking other sites")


def test_a_word_beside_the_link_is_not_counted_twice():
    # one "poker" in the paragraph of the link is one word on the page and one near the link: it read "2 spam words"
    import math

    one = math.log1p(1)
    assert (group_phrase("vocab_spam", _row(page_spam_terms=one, context_spam_terms=one))
            == "1 spam word on the page (counted from a list: pharmacy, casino, loans, cheap, ...), 1 near the link")
    assert (group_phrase("vocab_spam", _row(context_spam_terms=math.log1p(2)))
            == "2 spam words near the link (counted from a list: pharmacy, casino, loans, cheap, ...)")
    assert group_phrase("vocab_spam", _row()) == "no spam wording"
    assert (group_phrase("vocab_directory", _row(page_directory_terms=one, context_directory_terms=one))
            == "page holds 1 listing word")


def test_parts_of_one_phrase_never_use_the_separator_between_reasons():
    everything = _row(**dict.fromkeys(MARKERS, 1.0))
    for group in PHRASES:
        assert "; " not in group_phrase(group, everything), group


def test_a_model_trained_before_the_heading_entries_feature_still_gets_its_block_phrase():
    # the reasons read only the features the model was trained on; the shipped model of 2026-12-06 has no
    # heading_entries_log, and its block phrase raised KeyError
    row = _row()
    del row["heading_entries_log"]
    assert group_phrase("block", row) == "its block links to 0 other sites"
