"""The HTTP API's request and response bodies (pydantic): what /openapi.json publishes and what 422s explain."""

from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from linktriage._records import LABELS, LINK_STATUSES, SCHEMA_VERSION

#: longest URL accepted: far beyond any real one, short enough that a row stays small
MAX_URL_CHARS = 8192
MAX_ANCHOR_CHARS = 4096
MAX_NICHE_CHARS = 2000


def _encodable(value: str) -> str:
    # JSON lets a client send lone surrogates ("\ud800"); they are not text and could not be written back out.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"not valid Unicode: lone surrogate {value[exc.start]!r} at character {exc.start}") from None
    return value


Text = Annotated[str, AfterValidator(_encodable)]


def _site_url(value: str) -> str:
    # checked as `score --site` checks it; blank means no site, as before
    from linktriage._exceptions import InputError
    from linktriage.ingest._values import site_url

    if value.strip():
        try:
            site_url(value)
        except InputError as exc:
            raise ValueError(str(exc)) from None
    return value


SiteUrl = Annotated[Text, AfterValidator(_site_url)]


#: the ASCII whitespace a blank source_url holds: one definition for the check and the published schema (Python's
#: str.strip and regex engines disagree on characters such as "\x1e", which fuzzers then find)
_BLANK = " \t\n\r\f\v"


def _not_blank(value: str) -> str:
    if not value.strip(_BLANK):
        raise ValueError("is empty: give the referring page's URL")
    return value


class Link(BaseModel):
    """One backlink to judge, with the referring page's HTML when the caller has it."""

    model_config = ConfigDict(extra="forbid")

    source_url: Annotated[Text, AfterValidator(_not_blank)] = Field(min_length=1, json_schema_extra={
        "pattern": "[^" + _BLANK.encode("unicode_escape").decode() + "]"}, max_length=MAX_URL_CHARS, description=(
        "The referring page. A value that is not an http(s) URL gives a row with link_status `error`."))
    target_url: Text = Field("", max_length=MAX_URL_CHARS, description="The page of your site it links to.")
    anchor: Text = Field("", max_length=MAX_ANCHOR_CHARS, description=(
        "The anchor text as the export gives it; empty: the anchor found on the page is reported."))
    html: Optional[str] = Field(None, description=(
        "The referring page's HTML. Without it the page is fetched when the server runs with --fetch, "
        "else the row's link_status is `not_fetched`. One page per source_url: repeat it identically or once."))


class ScoreRequestBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # the limit inside the Optional, before the check: on the Optional it was checked after it, as a count of
    # "items" ("Value should have at most 2000 items after validation")
    niche: Optional[Annotated[str, StringConstraints(max_length=MAX_NICHE_CHARS), AfterValidator(_encodable)]] = Field(
        None, description=(
        "One line describing the target site's niche; fills `relevance` (empty without it)."))


class Row(BaseModel):
    """One output row: the columns of the CLI's output (DESIGN.md), in the same order."""

    source_url: str
    target_url: str
    anchor: str
    source_domain: str
    target_domain: str
    label: Optional[Literal[LABELS]] = Field(description="Most probable label; null when the page was not judged.")
    confidence: Optional[float]
    p_editorial: Optional[float]
    p_guest_post: Optional[float]
    p_directory: Optional[float]
    p_spam: Optional[float]
    p_link_farm: Optional[float]
    relevance: Optional[float] = Field(description="0-1 relevance to the niche; null without a niche.")
    position: Optional[str]
    rel: Optional[str]
    anchor_type: Optional[str]
    link_status: Literal[LINK_STATUSES]
    http_status: Optional[int]
    reasons: str
    toxic: Optional[bool]


class ScoreResponse(BaseModel):
    schema_version: str = Field(SCHEMA_VERSION, description="Version of the row layout (docs/schema.json).")
    rows: list[Row] = Field(description="One row per link, in the order of the request's links.")
    warnings: list[str] = Field(default_factory=list, description=(
        "What the run warned about, once each, in order, as `linktriage score` prints them (naming the fields by "
        "the CLI's options: `--niche` is `niche`, `--site` is `site`): a niche not in English, a site whose pages "
        "cannot be read, rows linking to another site than `site`, ... Empty when there is nothing to say."))


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Problem(BaseModel):
    """An error answer (413, 504, and 422 for problems found after validation)."""

    detail: str
