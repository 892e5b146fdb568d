"""Contract employees (Law "On Civil Service", art. 1 p. 5-1 and art. 64-1).

A state body engages contract employees for national and other projects of the types the
Government sets. The contract is concluded on the recommendation of the official responsible
for the project, for the time the tasks take but at most one calendar year, extendable while
the project runs; pay is a base plus a results component set by quarterly indicators. A
contract employee holds no public office: recruitment's appointment refuses them.

- ``recruitment.models_contracts`` (beside ``recruitment.models``, which imports it):
  projects, contracts, indicators, extensions, quarterly reports, pay rules.
- ``services``: creating, extending and ending contracts (rules and audit events).
- ``results``: quarterly reporting, confirmation, the results score and pay, missed flags.
- ``reminders``: the e-mail 30 days before a contract ends.
- ``selection``: contract posts, selected by an open, anonymised competition of kind
  "contract" that ends in the responsible official's recommendation of one code.
- ``views``: the responsible official's page (with the selections' anonymised shortlists)
  and the contract employee's page.
"""
