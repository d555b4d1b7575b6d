class RegistrationError(Exception):
    """A rule refused the change. `code` is for tests and the API; `message`
    is shown to the person; `field` names the form field it belongs to."""

    def __init__(self, message, *, code: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
