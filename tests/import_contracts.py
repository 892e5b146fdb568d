"""A contract type for import-linter: apps meet only through each other's ``public.py``.

import-linter's own contracts say which app may depend on which (``layers``) and that no
module circle exists (``acyclic_siblings``). This one says *how* they meet: when a module of
one app imports a module of another, the imported module is that app's public surface
(``<app>.public``), never its models, services or selectors. ``pyproject.toml`` lists the
apps and the few deliberate exceptions (demo seeding).

Run by ``lint-imports`` (``make lint``, which ``make test`` runs first).
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


class PublicOnlyContract(Contract):
    type_name = "public_only"

    apps = fields.ListField(subfield=fields.ModuleField())
    public_module = fields.StringField(required=False, default="public")
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )
    broken_contract_guidance = fields.TextField(required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        apps = {app.name for app in self.apps}  # type: ignore[attr-defined]
        public = str(self.public_module)

        def app_of(module: str) -> str:
            return module.split(".", 1)[0]

        illegal = []
        for importer in sorted(graph.modules):
            source = app_of(importer)
            if source not in apps:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = app_of(imported)
                if target == source or target not in apps:
                    continue
                surface = f"{target}.{public}"
                if imported == surface or imported.startswith(surface + "."):
                    continue
                lines = sorted(
                    d["line_number"]
                    for d in graph.get_import_details(importer=importer, imported=imported)
                )
                illegal.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(
            kept=not illegal,
            warnings=list(removal.warnings),
            metadata={"illegal": illegal, "public": public},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        public = check.metadata["public"]
        for row in check.metadata["illegal"]:
            target = row["imported"].split(".", 1)[0]
            lines = ", ".join(f"l.{n}" for n in row["lines"])
            output.print_error(
                f"{row['importer']} imports {row['imported']} ({lines}): "
                f"import {target}.{public} instead.",
                bold=False,
            )
            output.new_line()
        contract_utils.render_broken_contract_guidance(self.broken_contract_guidance)  # type: ignore[arg-type]
