import math

import pytest

from linktriage import InputError
from linktriage.output import DEFAULT_DISAVOW_THRESHOLD, check_labels, is_toxic


def test_toxic_rule_threshold_and_labels():
    assert is_toxic("spam", DEFAULT_DISAVOW_THRESHOLD)
    assert is_toxic("link_farm", 0.95)
    assert not is_toxic("spam", 0.79)
    assert not is_toxic("directory", 0.99)
    assert is_toxic("directory", 0.6, threshold=0.5, labels=("directory",))
    assert not is_toxic(None, 0.99) and not is_toxic("", 0.99)
    assert not is_toxic("spam", None) and not is_toxic("spam", math.nan)


def test_check_labels_rejects_unknown():
    assert check_labels(["spam", " link_farm "]) == ("spam", "link_farm")
    with pytest.raises(InputError, match="choose among"):
        check_labels(["spamm"])
