"""policy.check decisions per second, next to pycasbin deciding the same question.

The question: may this person view this document's content? Allowed when the person's tier
admits the level (ACC.CLEARANCE), the person is inside the knowledge scope, by person or by
department (ACC.NEED_TO_KNOW), and is not an administrator account (ACC.SOD). Both engines
get the same 1,000 requests, most of them denied.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baomi.settings")

CASBIN_MODEL = """
[request_definition]
r = sub, obj, act

[policy_definition]
p = act

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.act == p.act && r.sub.ceiling >= r.obj.level && r.sub.admin_role == "" && \
    (r.obj.admits_person(r.sub.pk) || r.obj.admits_department(r.sub.department_id))
"""


@dataclass(frozen=True)
class Subject:
    pk: int
    department_id: int
    tier: str
    ceiling: int
    admin_role: str = ""


@dataclass(frozen=True)
class Obj:
    level: int
    persons: frozenset[int] = field(default_factory=frozenset)
    departments: frozenset[int] = field(default_factory=frozenset)

    def admits_person(self, pk: int) -> bool:
        return pk in self.persons

    def admits_department(self, department_id: int) -> bool:
        return department_id in self.departments


def requests(n: int = 1000) -> list[tuple[Subject, Obj]]:
    from baomi.core.levels import TIER_CEILING, Tier

    rng = random.Random(7)
    tiers = [Tier.GENERAL, Tier.IMPORTANT, Tier.CORE]
    out = []
    for _ in range(n):
        tier = rng.choice(tiers)
        person = Subject(rng.randrange(500), rng.randrange(20), tier.value, int(TIER_CEILING[tier]))
        scope = Obj(
            level=rng.choice([2, 3, 4]),
            persons=frozenset(rng.sample(range(500), 30)),
            departments=frozenset(rng.sample(range(20), 3)),
        )
        out.append((person, scope))
    return out


def rate(fn, items, rounds: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for _ in range(rounds):
        for item in items:
            fn(item)
    return rounds * len(items) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    import casbin
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from baomi import policy
    from baomi.core.access import Audience

    reqs = requests()
    audiences = {id(o): Audience(o.persons, o.departments) for _, o in reqs}

    def ours(item: tuple[Subject, Obj]) -> bool:
        person, obj = item
        return policy.check(
            "content.view", person=person, level=obj.level, audience=audiences[id(obj)]
        ).allowed

    model_file = Path(os.environ.get("TMPDIR", "/tmp")) / "baomi_casbin_model.conf"
    model_file.write_text(CASBIN_MODEL)
    enforcer = casbin.Enforcer(str(model_file))
    enforcer.add_policy("content.view")

    def theirs(item: tuple[Subject, Obj]) -> bool:
        person, obj = item
        return enforcer.enforce(person, obj, "content.view")

    agree = [ours(r) for r in reqs] == [theirs(r) for r in reqs]
    allowed = sum(ours(r) for r in reqs)
    result = {
        "requests": len(reqs),
        "allowed": allowed,
        "engines_agree": agree,
        "baomi_decisions_per_s": rate(ours, reqs, 30),
        "baomi_allowed_only_per_s": rate(ours, [r for r in reqs if ours(r)], 30),
        "casbin_decisions_per_s": rate(theirs, reqs, 3),
        "casbin_version": casbin.__version__ if hasattr(casbin, "__version__") else "",
    }
    result["baomi_us_per_decision"] = 1e6 / result["baomi_decisions_per_s"]
    result["casbin_us_per_decision"] = 1e6 / result["casbin_decisions_per_s"]
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
