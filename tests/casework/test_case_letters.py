"""Decision letters name the specific measure, and the check line on a letter leads to a
public check that finds exactly that letter by its number and code, name masked."""

from __future__ import annotations

import io
import re

import pytest
from pdfminer.high_level import extract_text

from archive.kernel.files import read_verified
from casework.errors import LetterNotFound
from casework.models import CaseState
from casework.services import letters
from tests.casework.factories_casework import make_cast, named_case, walk_to

S = CaseState


def test_the_letter_names_the_measure_and_can_be_checked(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.APPEAL_WINDOW)
    (doc,) = letters.list_documents(session, case.id)
    text = extract_text(io.BytesIO(read_verified(session, doc.stored_file)))
    flat = re.sub(r"\s+", "", text)
    assert "留校察看" in flat and "警告至留校察看" not in flat
    assert doc.verify_code and doc.verify_code in flat
    assert "/public/verify/letter?number=" in flat
    number = letters.latest_decision(session, case.id).number
    check = letters.verify_letter(session, number=number, code=doc.verify_code)
    assert check.title == "学术不端行为处理决定书" and check.measures == ["留校察看"]
    assert check.subject.startswith(cast.respondent.name[0]) and "*" in check.subject
    assert cast.respondent.name not in check.subject
    assert check.sha256 == doc.stored_file.sha256 and check.is_current
    # The code alone, the number alone, or a wrong pair finds nothing, with one answer.
    for n, c in ((number, "ABCDEFGHJK"), ("校〔2000〕1号", doc.verify_code), ("", "")):
        with pytest.raises(LetterNotFound, match="未找到该文书"):
            letters.verify_letter(session, number=n, code=c)
