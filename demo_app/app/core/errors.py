"""Domain errors raised by the service layer.

Services know nothing about HTTP; `app.main` maps each of these to a status code in one place.
"""


class DomainError(Exception):
    """Base for every error the service layer raises on purpose."""


class NotFoundError(DomainError):
    pass


class PermissionDeniedError(DomainError):
    pass


class ConflictError(DomainError):
    pass


class PayloadTooLargeError(DomainError):
    pass


class UnsupportedMediaTypeError(DomainError):
    pass


class InvalidInputError(DomainError):
    pass


class StorageError(DomainError):
    """The object store failed; the request was fine."""
