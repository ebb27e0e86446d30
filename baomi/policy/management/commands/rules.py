"""`baomi rules`: the rule catalog with the parameters in force and whether each rule is
enforced (refuses), applied (acts without refusing) or not yet built."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from baomi.policy import engine
from baomi.policy.catalog import catalog


class Command(BaseCommand):
    help = "Print the rule catalog: id, title, status, parameters, clause, effect."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument(
            "--defaults",
            action="store_true",
            help="show defaults.toml values, ignoring the organization's overrides",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            in_force = {} if options["defaults"] else engine.snapshot()
            rows: list[dict[str, Any]] = []
            for rule in catalog().values():
                status = engine.status(rule.id)
                rows.append(
                    {
                        "id": rule.id,
                        "title": rule.title,
                        "status": status,
                        "status_label": str(engine.STATUS_LABELS[status]),
                        "enforced": status == engine.ENFORCED,
                        "module": rule.module,
                        "params": in_force.get(rule.id, rule.defaults()),
                        "clause": (
                            rule.clause_in(options["lang"])
                            if options["defaults"]
                            else engine.clause(rule.id, options["lang"])
                        ),
                        "effect": rule.effect,
                    }
                )
            tally = engine.tally()
            summary = _(
                "%(total)s rules: %(enforced)s enforced, %(applied)s applied, %(not_yet)s not yet"
            ) % {
                "total": len(rows),
                **tally,
            }
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            params = ", ".join(
                f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in row["params"].items()
            )
            self.stdout.write(f"{row['id']:<24} [{row['status_label']}] {row['title']}")
            if params:
                self.stdout.write(f"    {params}")
            self.stdout.write(f"    {row['clause']}")
            if row["effect"]:
                self.stdout.write(f"    → {row['effect']}")
        self.stdout.write(summary)
