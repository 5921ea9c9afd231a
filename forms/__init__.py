"""Application forms as data: one YAML definition drives the chat, the mini-program and the
console. See forms/README.md for the definition format and the answers' shape."""

from forms.errors import AnswerError, FormError
from forms.export import to_json
from forms.registry import all_forms, get
from forms.schema import Field, Form, Option, load_form
from forms.situation import to_situation
from forms.types import Understood, parse_answer, understand
from forms.verdict import assess
from forms.walk import (Answered, Question, answer, answer_noted, applicable, back, next_question, prune,
                        skip, walk)

__all__ = [
    "Answered", "AnswerError", "assess", "Field", "Form", "FormError", "Option", "Question",
    "Understood", "all_forms", "answer", "answer_noted", "applicable", "back", "get", "load_form",
    "next_question", "parse_answer", "prune", "skip", "to_json", "to_situation", "understand", "walk",
]
