class AssemblyError(Exception):
    """A rule of the General Assembly refused a write: `code` for tests and
    the API, `message` (translated) for people."""

    def __init__(self, message, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
