"""Re-encrypt every vault value under the newest key in EQYZMET_FERNET_KEYS.

Procedure: put the new key first in EQYZMET_FERNET_KEYS (keep the old ones after it),
restart, run this command; when it reports every value readable with the newest key,
remove the old keys. Safe to re-run; each batch commits on its own.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from eqyzmet.audit import audit_record
from eqyzmet.vault import encrypted_fields, vault


class Command(BaseCommand):
    help = "Re-encrypt all personal data in the vault under the newest key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        multi = vault()
        newest = Fernet(settings.EQYZMET_FERNET_KEYS[0].encode())
        quote = connection.ops.quote_name
        # Row locks keep a concurrent profile edit from being overwritten with a stale value.
        lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
        total = 0
        for model, field in encrypted_fields():
            table, column = quote(model._meta.db_table), quote(field.column)
            pk = quote(model._meta.pk.column)
            last = None
            rotated = 0
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    where = f"WHERE {pk} > %s" if last is not None else ""
                    params = [last] if last is not None else []
                    cursor.execute(
                        f"SELECT {pk}, {column} FROM {table} {where} "  # noqa: S608 (quoted names)
                        f"ORDER BY {pk} LIMIT %s{lock}",
                        [*params, batch_size],
                    )
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    updates = []
                    for row_pk, token in rows:
                        if token is None:
                            continue
                        try:
                            updates.append((multi.rotate(token.encode()).decode(), row_pk))
                        except InvalidToken:
                            raise CommandError(
                                f"{model._meta.label}.{field.name} row {row_pk} cannot be "
                                "decrypted with any key in EQYZMET_FERNET_KEYS; nothing in "
                                "this batch was changed."
                            ) from None
                    cursor.executemany(
                        f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                        updates,
                    )
                    rotated += len(updates)
                    last = rows[-1][0]
            self.stdout.write(f"{model._meta.label}.{field.name}: {rotated} values re-encrypted")
            total += rotated

        # Prove the result: every value must now open with the newest key alone.
        unreadable = 0
        for model, field in encrypted_fields():
            table, column = quote(model._meta.db_table), quote(field.column)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"  # noqa: S608
                )
                for (token,) in cursor.fetchall():
                    try:
                        newest.decrypt(token.encode())
                    except InvalidToken:
                        unreadable += 1
        with transaction.atomic():
            audit_record(
                action="vault.keys_rotated",
                target_type="vault",
                details={"values": total, "unreadable_with_newest": unreadable},
            )
        if unreadable:
            raise CommandError(
                f"{unreadable} values still need an older key; do not remove old keys yet."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} values re-encrypted; all readable with the newest key. "
                "Older keys may now be removed from EQYZMET_FERNET_KEYS."
            )
        )
