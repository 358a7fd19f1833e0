"""Weak labels for real corpus links: labelling functions that follow ../shared/LABELS.md.

Layout:
- ``evidence``  one page -> ``PageEvidence`` + ``LinkEvidence`` records (extractor + locator + corpus-only evidence:
  gold main text / gold comments membership, L3S block classes, page type, byline and sponsorship phrases);
- ``functions`` the labelling functions: small pure functions ``(page, link) -> label | None``;
- ``corpus``    reading the WARC files, the manifest, the L3S annotations and the dev set;
- ``build_labels`` the runner that writes data/labels/real_links.csv (``python training/labelling/build_labels.py``).
"""

from .evidence import LinkEvidence, PageEvidence, analyse_page
from .functions import LABELLING_FUNCTIONS, apply_functions

__all__ = ["LinkEvidence", "PageEvidence", "analyse_page", "LABELLING_FUNCTIONS", "apply_functions"]
