# The testing center: an engine that knows competition stages and applications only as ids
# (it asks the orchestrator through ``ports``; other apps import only ``public``).
#
# Sub-packages, each importing only those to its left (never in a circle):
#
#   bank ← scoring ← delivery          redaction ← scoring
#   integrity, analysis: read what delivery and scoring stored, through the models only
#
#   bank/       topics, questions, revisions, keepers, bank files, key balance, blueprints
#   scoring/    the ML scorer; scoring papers (pass rule), training, essays for the commission
#   delivery/   sittings, papers, attempts, answers, integrity events from the test page
#   integrity/  anomaly detectors and the scan of a closed sitting
#   analysis/   item analysis of a closed sitting
#   redaction/  self-identifying text replaced by [NAME], [PHONE]… (plain Python)
#
# The top-level modules (admin, apis, views, tasks, public, demo …) sit above them all;
# Celery tasks are queued by name (``enqueue("testing_center.score_attempt", …)``), so no
# sub-package imports ``tasks``.
