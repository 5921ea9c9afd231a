"""The two ways a form can go wrong: a broken definition, or an answer it cannot use."""


class FormError(ValueError):
    """A definition that cannot be used; the message names the file and the field."""


class AnswerError(ValueError):
    """An answer that cannot be used; `message` tells the resident why, in Chinese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
