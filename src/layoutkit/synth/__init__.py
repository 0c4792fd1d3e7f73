"""Synthetic newspaper pages with exact ground truth (fixtures for tests and QA).

    from layoutkit.synth import PageSpec, generate_page, write_fixture
    page = generate_page(PageSpec(language="zh", columns=4), seed=1, degradation="noise")
    write_fixture(page, "out", "zh-4col-noise-s1")

Everything is deterministic from the seed.  See ``generator`` for the
ground-truth conventions and ``layout`` for the page model.
"""

from .degrade import KINDS as DEGRADATIONS
from .generator import RenderedPage, article_text, generate_page, gt_text, write_fixture, write_gt
from .layout import PagePlan, PageSpec, PlanRect, PlanText
from .texts import ArticleText, load_text_articles

__all__ = [
    "DEGRADATIONS", "ArticleText", "PagePlan", "PageSpec", "PlanRect", "PlanText", "RenderedPage",
    "article_text", "generate_page", "gt_text", "load_text_articles", "write_fixture", "write_gt",
]
