"""The personal-data vault: unreadable at rest, searchable only by blind index, rotatable."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from eqyzmet.vault import blind_index
from recruitment.models import CandidateProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAME = "Айгерім Серікқызы Жұмабаева"
IIN = "950101400123"


def _profile(**overrides) -> CandidateProfile:
    values = {
        "user": UserFactory(),
        "full_name": NAME,
        "iin": IIN,
        "iin_index": blind_index(IIN, purpose="iin"),
        "birth_date": dt.date(1995, 1, 1),
        "phone": "+7 701 555 12 34",
    }
    values.update(overrides)
    return CandidateProfile.objects.create(**values)


def _raw_row(pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, iin, birth_date, phone FROM recruitment_candidateprofile "
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


def test_personal_data_is_unreadable_in_the_raw_table():
    profile = _profile()
    raw = " ".join(_raw_row(profile.pk))
    for secret in (NAME, IIN, "1995-01-01", "555 12 34", "Айгерім"):
        assert secret not in raw
    again = CandidateProfile.objects.get(pk=profile.pk)
    assert again.full_name == NAME
    assert again.iin == IIN
    assert again.birth_date == dt.date(1995, 1, 1)


def test_equal_values_encrypt_differently_so_rows_cannot_be_compared():
    a, b = _profile(), _profile(iin="950101400124", iin_index=blind_index("x", purpose="iin"))
    assert _raw_row(a.pk)[0] != _raw_row(b.pk)[0]


def test_encrypted_fields_refuse_searches_that_would_compare_ciphertext():
    with pytest.raises(FieldError, match="blind index"):
        CandidateProfile.objects.filter(iin=IIN).exists()
    with pytest.raises(FieldError):
        CandidateProfile.objects.filter(full_name__icontains="Айгерім").exists()


def test_blind_index_finds_exact_values_and_depends_on_the_secret_key(settings):
    profile = _profile()
    found = CandidateProfile.objects.get(iin_index=blind_index(f" {IIN} ", purpose="iin"))
    assert found == profile
    assert blind_index(IIN, purpose="iin") != blind_index(IIN, purpose="phone")
    before = blind_index(IIN, purpose="iin")
    settings.EQYZMET_BLIND_INDEX_KEY = "another-key-another-key-another-key!"
    assert blind_index(IIN, purpose="iin") != before


def test_data_survives_key_rotation_and_old_key_can_then_be_retired(settings):
    old_key = settings.EQYZMET_FERNET_KEYS[0]
    profile = _profile()
    before = _raw_row(profile.pk)

    new_key = Fernet.generate_key().decode()
    settings.EQYZMET_FERNET_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys", "--batch-size", "1")
    after = _raw_row(profile.pk)
    assert all(x != y for x, y in zip(before, after, strict=True))

    settings.EQYZMET_FERNET_KEYS = [new_key]  # the old key is gone
    again = CandidateProfile.objects.get(pk=profile.pk)
    assert again.full_name == NAME
    assert again.iin == IIN
    assert again.birth_date == dt.date(1995, 1, 1)


def test_a_missing_key_gives_a_clear_error_without_the_data(settings):
    profile = _profile()
    settings.EQYZMET_FERNET_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(Exception, match="EQYZMET_FERNET_KEYS") as excinfo:
        CandidateProfile.objects.get(pk=profile.pk)
    assert NAME not in str(excinfo.value)
    assert IIN not in str(excinfo.value)
