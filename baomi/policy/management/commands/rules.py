"""`baomi rules`: the rule catalog with the parameters in force and whether each is enforced."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from baomi.policy import engine
from baomi.policy.catalog import catalog


class Command(BaseCommand):
    help = "Print the rule catalog: id, title, parameters, clause, enforced or not."

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
            enforced = engine.enforced()
            rows: list[dict[str, Any]] = []
            for rule in catalog().values():
                rows.append(
                    {
                        "id": rule.id,
                        "title": rule.title,
                        "enforced": rule.id in enforced,
                        "module": rule.module,
                        "params": in_force.get(rule.id, rule.defaults()),
                        "clause": rule.clause,
                    }
                )
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        yes, no = ("执行中", "待实现") if options["lang"] == "zh-hans" else ("enforced", "not yet")
        for row in rows:
            params = ", ".join(
                f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in row["params"].items()
            )
            self.stdout.write(f"{row['id']:<24} [{yes if row['enforced'] else no}] {row['title']}")
            if params:
                self.stdout.write(f"    {params}")
            self.stdout.write(f"    {row['clause']}")
        count = sum(r["enforced"] for r in rows)
        self.stdout.write(f"{len(rows)} rules, {count} enforced")
