"""Redaction of self-identifying text in open answers and essays, before anyone reads them.

:func:`redact_text` replaces identifiers with tokens such as ``[NAME]`` and returns every
redaction (kind, span in the original text, token) so the caller can raise a "possible
self-identification" flag. Matching runs on an NFKC-normalised copy without invisible
characters (full-width ``＠``, ``９１０８``, soft hyphens cannot hide anything); spans are
mapped back to the ORIGINAL text. Three layers, because no single one covers kk/ru/en:

1. patterns — IIN (12 digits, also grouped 4-4-4, 6-6, with dots), Kazakh phone numbers,
   e-mails (also "name (at) gmail (dot) com", "name собака mail.ru", "name@gmail"), URLs,
   @handles and street addresses in kk/ru/en: these must never slip through, so they are
   broad on purpose;
2. heuristics — self-introductions and signatures ("менің атым …", "С уважением, …"),
   patronymic/surname endings (-ұлы, -қызы, -ович, -ова, -ov, -uly …), first names and
   cities compared through a transliteration skeleton (so "Bakhytzhan" is "Бақытжан"),
   upper-case name pairs, employers (ТОО «…», «…» ЖШС, … университеті, … University);
3. ``natasha`` — Russian NER (PER/LOC/ORG) whose model ships inside the package (works
   offline); loaded lazily once per process, used on text with Cyrillic letters.

Modules: ``lexicon`` (word lists) ← ``words`` (shared alphabets and word recognisers) ←
``patterns``, ``heuristics``, ``ner`` (the layers) ← ``redact`` (:func:`redact_text`).
Plain Python: no models, no Django; ``scoring.essays`` and ``testing_center.public`` use it.
"""

from testing_center.redaction.redact import (
    KIND_TOKENS,
    PATTERN_KINDS,
    Redaction,
    RedactionResult,
    redact_text,
)

__all__ = ["KIND_TOKENS", "PATTERN_KINDS", "Redaction", "RedactionResult", "redact_text"]
