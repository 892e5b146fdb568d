"""The personal-data vault: encrypted model fields and blind indexes.

Values are encrypted with ``cryptography``'s MultiFernet under the keys in
``EQYZMET_FERNET_KEYS`` (newest first: it encrypts with the first and decrypts with any).
``rotate_encryption_keys`` re-encrypts every stored value under the newest key, after
which older keys can be retired. Encrypted columns cannot be searched; where an exact
lookup is needed (IIN uniqueness, for one) store a ``blind_index`` beside the value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def vault() -> MultiFernet:
    return _multifernet(tuple(settings.EQYZMET_FERNET_KEYS))


def encrypt_text(value: str) -> str:
    return vault().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return vault().decrypt(token.encode()).decode()
    except InvalidToken:
        # Never include the token or any plaintext in the message: it may reach logs.
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with the keys in EQYZMET_FERNET_KEYS "
            "(was a key removed before rotate_encryption_keys ran?)."
        ) from None


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC of a normalised value, for exact-match lookups on encrypted data.

    ``purpose`` separates indexes (an IIN and a phone with equal digits hash differently).
    """
    normalised = " ".join(str(value).split()).casefold()
    key = settings.EQYZMET_BLIND_INDEX_KEY.encode()
    message = f"{purpose}\x00{normalised}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; reads back as plain ``str``.

    Only ``isnull`` may be used in queries: any other lookup raises ``FieldError`` rather
    than silently comparing ciphertexts.
    """

    encrypted = True

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.decode(decrypt_text(value))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(self.encode(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"Encrypted field '{self.name}' cannot be searched with '{lookup_name}'; "
                "look it up through its blind index."
            )
        return super().get_lookup(lookup_name)

    def encode(self, value) -> str:
        return str(value)

    def decode(self, text: str):
        return text


class EncryptedDateField(EncryptedTextField):
    """A date stored encrypted as ISO text (e.g. a birth date)."""

    def encode(self, value) -> str:
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return value.isoformat()

    def decode(self, text: str):
        return dt.date.fromisoformat(text)

    def to_python(self, value):
        if value is None or isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value))

    def formfield(self, **kwargs):
        from django import forms

        return models.Field.formfield(self, form_class=forms.DateField, **kwargs)


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) pair in the project that holds encrypted data."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "encrypted", False)
    ]
