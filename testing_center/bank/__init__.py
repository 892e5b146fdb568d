"""The question bank: topics, questions and their versions, keepers and answer keys, bank
files in and out (``io``, ``FORMAT.md``), the option-position balance check, blueprints.

Depends on nothing else in the testing center but its models.
"""

from testing_center.bank.balance import KeyBalanceWarning, bank_key_balance
from testing_center.bank.blueprints import blueprint_upsert
from testing_center.bank.keepers import (
    KEEP_NATIONAL_BANK,
    KEY_FIELDS,
    may_edit_topic,
    topics_kept_by,
)
from testing_center.bank.questions import (
    CONTENT_FIELDS,
    QUESTION_TRANSITIONS,
    question_save,
    question_set_status,
)
from testing_center.bank.transfer import BankExport, ImportReport, bank_export, bank_import

__all__ = [
    "CONTENT_FIELDS",
    "KEEP_NATIONAL_BANK",
    "KEY_FIELDS",
    "QUESTION_TRANSITIONS",
    "BankExport",
    "ImportReport",
    "KeyBalanceWarning",
    "bank_export",
    "bank_import",
    "bank_key_balance",
    "blueprint_upsert",
    "may_edit_topic",
    "question_save",
    "question_set_status",
    "topics_kept_by",
]
