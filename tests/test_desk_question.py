"""The desk's pending question codec: every question the desk asks is written in the staff row
and read back as it was; anything else in that column is refused, however close to a real
question it is. The column is plain text in the database: a question read back must never be
taken for more (or other) than what was written."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.db.models import Staff
from bot.desk import question as question_codec
from bot.desk.question import MAX_LENGTH, Ask, BadQuestion, Question, decode, encode

# Written out here rather than taken from the codec or the taxonomy, so that a change shows.
TEXT_FIELDS = ["name", "description", "expect", "hours"]
CONTACT_TYPES = ["phone", "telegram", "website", "email", "kakaotalk", "wechat", "signal"]
LARGEST_PROPOSAL = 999_999_999

proposals = st.integers(min_value=1, max_value=LARGEST_PROPOSAL)
langs = st.from_regex(r"[a-z0-9-]{1,28}", fullmatch=True)
questions = st.one_of(
    st.sampled_from(
        [Question(Ask.FIND), Question(Ask.NEW), Question(Ask.STAFF_ID), Question(Ask.SIGNATURE)]
    ),
    st.builds(Question, st.just(Ask.REASON), proposals),
    st.builds(Question, st.just(Ask.NOTE), proposals),
    st.builds(Question, st.just(Ask.OPENING), proposals),
    st.builds(Question, st.just(Ask.CONTACT), proposals, contact=st.sampled_from(CONTACT_TYPES)),
    st.builds(
        Question,
        st.just(Ask.TEXT),
        proposals,
        field=st.sampled_from(TEXT_FIELDS),
        lang=langs,
    ),
)

# One of each kind, and how the desk has always written it in the staff row (so a question
# asked before an upgrade is still answered after it).
WRITTEN = [
    (Question(Ask.FIND), "find"),
    (Question(Ask.NEW), "new"),
    (Question(Ask.STAFF_ID), "add"),
    (Question(Ask.SIGNATURE), "signature"),
    (Question(Ask.REASON, 12), "reason:12"),
    (Question(Ask.NOTE, 7), "note:7"),
    (Question(Ask.OPENING, 7), "opening:7"),
    (Question(Ask.CONTACT, 7, contact="wechat"), "contact:7:wechat"),
    (Question(Ask.TEXT, 7, field="description", lang="zh"), "text:7:description:zh"),
]


def test_every_kind_of_question_is_covered_here() -> None:
    assert {question.ask for question, _data in WRITTEN} == set(Ask)


@pytest.mark.parametrize(("question", "data"), WRITTEN)
def test_each_kind_is_written_as_before_and_read_back(question: Question, data: str) -> None:
    assert encode(question) == data
    assert decode(data) == question


@given(questions)
def test_every_question_round_trips_and_fits_the_column(question: Question) -> None:
    data = encode(question)
    assert data.isascii() and len(data) <= MAX_LENGTH
    assert decode(data) == question


def test_the_limit_is_the_columns_size() -> None:
    assert Staff.__table__.c.waiting_for.type.length == MAX_LENGTH == 64


def test_the_longest_question_a_tap_can_ask_fits() -> None:
    # A tap's argument is at most 40 characters, "description-" and the language together.
    longest = Question(Ask.TEXT, LARGEST_PROPOSAL, field="description", lang="z" * 28)
    assert decode(encode(longest)) == longest


def test_a_question_that_fills_the_column_is_read_back_and_one_character_more_is_not() -> None:
    """Longer than any tap asks today, but what the column holds is read back whole."""
    filling = Question(Ask.TEXT, LARGEST_PROPOSAL, field="description", lang="z" * 37)
    data = encode(filling)
    assert len(data) == Staff.__table__.c.waiting_for.type.length
    assert decode(data) == filling
    with pytest.raises(BadQuestion):
        decode(data + "z")


FORGED = [
    "",
    ":",
    "find:",
    "find:1",
    "new:x",
    "add:610001",
    "ADD",
    "signature:Mina",
    "signatures",
    "sign",
    " find",
    "find ",
    "find\n",
    "reason",
    "reason:",
    "reason:0",
    "reason:012",
    "reason:-1",
    "reason:+1",
    "reason:1.0",
    "reason:1e3",
    "reason:1000000000",
    "reason:１２",  # full-width digits: int() would read them
    "reason:12:",
    "reason:12:x",
    "reason: 12",
    "note",
    "note:",
    "note:7:",
    "note:7:internal_note",
    "contact",
    "contact:7",
    "contact:7:",
    "contact:7:fax",
    "contact:7:WeChat",
    "contact:7:wechat:",
    "contact:7:wechat:zh",
    "contact::wechat",
    "contact:x:wechat",
    "text",
    "text:7",
    "text:7:name",
    "text:7:name:",
    "text:7::zh",
    "text::name:zh",
    "text:7:internal_note:zh",
    "text:7:Name:zh",
    "text:7:name:ZH",
    "text:7:name:zh:",
    "text:7:name:zh:extra",
    "text:7:name:z_h",
    "text:7:name:zh\u00e9",
    "text:7:name:" + "z" * 41,
    "text:7:name:" + "z" * (MAX_LENGTH - len("text:7:name:") + 1),
    "draft:7",
    "reject:12",
]


@pytest.mark.parametrize("data", FORGED)
def test_forged_truncated_or_extended_questions_are_refused(data: str) -> None:
    with pytest.raises(BadQuestion):
        decode(data)


@pytest.mark.parametrize("data", [None, 7, b"find", ["find"]])
def test_what_is_not_text_is_refused(data: object) -> None:
    with pytest.raises(BadQuestion):
        decode(data)


@given(questions, st.text(min_size=1, max_size=12))
def test_a_real_question_with_anything_glued_on_is_refused(question: Question, tail: str) -> None:
    data = encode(question) + tail
    try:
        decoded = decode(data)
    except BadQuestion:
        return
    # Only where the tail extends the last part into another valid value, and then it reads
    # as that value, never as the original question with something left over.
    assert decoded != question
    assert encode(decoded) == data


@given(questions, st.data())
def test_a_real_question_cut_short_is_refused_or_is_another_question(
    question: Question, data: st.DataObject
) -> None:
    written = encode(question)
    cut = data.draw(st.integers(min_value=0, max_value=len(written) - 1))
    try:
        decoded = decode(written[:cut])
    except BadQuestion:
        return
    assert decoded != question
    assert encode(decoded) == written[:cut]


@given(st.text(max_size=80))
def test_anything_decodes_only_to_what_encodes_back_the_same(data: str) -> None:
    try:
        decoded = decode(data)
    except BadQuestion:
        return
    assert encode(decoded) == data


@pytest.mark.parametrize(
    "question",
    [
        Question(Ask.FIND, 7),
        Question(Ask.NEW, field="name"),
        Question(Ask.STAFF_ID, lang="en"),
        Question(Ask.REASON, 0),
        Question(Ask.REASON, 12, contact="phone"),
        Question(Ask.NOTE, -3),
        Question(Ask.CONTACT, 7, contact="fax"),
        Question(Ask.CONTACT, 7, field="name", contact="phone"),
        Question(Ask.TEXT, 7, field="status", lang="en"),
        Question(Ask.TEXT, 7, field="name", lang=""),
        Question(Ask.TEXT, 7, field="name", lang="en:x"),
        Question(Ask.TEXT, LARGEST_PROPOSAL + 1, field="name", lang="en"),
        Question(Ask.TEXT, LARGEST_PROPOSAL, field="description", lang="z" * 40),
    ],
)
def test_a_question_that_could_not_be_read_back_is_never_written(question: Question) -> None:
    """And the refusal names the question, for whoever has to find what asked it."""
    with pytest.raises(ValueError, match=re.escape(repr(question))):
        encode(question)


def test_a_choice_of_words_matches_each_word_whole_and_nothing_else() -> None:
    """The patterns of contact types and text fields are built from their words once, at
    import; built again here, so that a change in how is seen at all."""
    pattern = re.compile(question_codec._choice(("e.mail", "phone")))
    tried = ("e.mail", "phone", "eXmail", "e.mailphone", "mail", "")
    assert [bool(pattern.fullmatch(text)) for text in tried] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
