"""A national-scale data set for measuring pages and operations (``manage.py seed_scale``).

At ``--scale 1.0``: 100,000 candidates with encrypted profiles, 2,000 competitions with
vacancies, stages and commissions, 200,000 applications (one competition of 10,000 with a
result on every stage, ready to be ranked), 1,000,000 answer rows in scored papers, 50,000
employees with two years of evaluations, and 100,000 ethics cases. Smaller scales shrink
every count in proportion (``plan``).

The rows are those the services would have written, in the states the procedure allows,
with their audit events on the hash chain; but they are written in bulk (PostgreSQL
``COPY``, ``loader``), one topic per module, in one transaction:

- ``people``: state bodies, role groups and staff, candidates and their profiles
- ``bank``: the question bank and the two test blueprints
- ``competitions``: vacancies, competitions and everything their procedure produced
- ``papers``: the sittings' scored papers, item by item
- ``evaluations``: employees, cycles, assessments, KPIs and ratings
- ``cases``: ethics cases from reports and from the system
- ``run``: the guards, the order, and the marker that makes a second run refuse

``eqyzmet`` is the ground layer and imports no app — except this tool, which fills every
app's tables and so stands above them all. Its imports of the apps' pure helpers
(eligibility, ranking's shortlist, IINs, evaluation scoring, ethics deadlines) are plain
imports, listed as the one declared exception in ``pyproject.toml``'s layers contract;
models are reached through Django's registry.
"""
