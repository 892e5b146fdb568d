"""factory_boy factories for the kernel."""

from __future__ import annotations

import factory

from eqyzmet.models import StateBody, User
from eqyzmet.services import state_body_create

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.kz")
    # Test people read English, the msgid language, unless a test says otherwise.
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


_body_counter = iter(range(1, 10**9))


def make_state_body(*, parent: StateBody | None = None, code: str | None = None) -> StateBody:
    n = next(_body_counter)
    return state_body_create(
        code=code or f"body-{n}",
        name_kk=f"Орган {n}",
        name_ru=f"Орган {n}",
        name_en=f"Body {n}",
        kind=StateBody.Kind.MINISTRY if parent is None else StateBody.Kind.DEPARTMENT,
        parent=parent,
    )
