"""The ledger at scale: the register's first page, substring search and the xlsx export, for a
general-tier and a core-tier person, on a register of 200,000 documents with 1,000,000 copies.

    python -m bench.ledger_bench --documents 200000 --copies 1000000 --json out.json
(DATABASE_URL selects the database, which must hold no ledger yet; give the bench a
BAOMI_DATA_DIR of its own.)

The register is fixture data, loaded in bulk: executemany on SQLite, COPY on PostgreSQL. It
does not go through the services, which record an audit event per copy and would take hours
at this size; the organization (departments) is created through the services. The search
indexes of migration 0003 are dropped during the load and rebuilt after it, the way that
migration builds them, then the planner statistics are gathered (ANALYZE).

The pages are measured through the real URLs with django.test.Client, logged in as each
person, so the figures include what the views do (visible_to, the copy count, the paginator's
count, the template). The export calls the service the export view calls, on the same
queryset cut to 100,000 rows, in a child process whose peak resident memory is read from
the kernel.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baomi.settings")

GOALS = {"register_p95_ms": 100.0, "search_p95_ms": 300.0, "export_s": 30.0, "export_mb": 500.0}
BUREAU = "基准测试委员会"
PREFIX = "bench_"

# name, weight in knowledge scopes (how often a document names the department)
DEPARTMENTS: list[tuple[str, float]] = [
    ("办公室", 9.0),
    ("机要室", 3.0),
    ("保密办", 2.0),
    ("综合规划科", 7.0),
    ("财务审计科", 3.5),
    ("人事科", 3.0),
    ("信息中心", 1.5),
    ("法规科", 2.0),
    ("政策研究室", 3.0),
    ("国民经济综合科", 4.0),
    ("固定资产投资科", 3.5),
    ("产业发展科", 3.0),
    ("高技术产业科", 2.0),
    ("能源科", 2.5),
    ("交通运输科", 2.0),
    ("农村经济科", 1.5),
    ("社会发展科", 2.0),
    ("就业收入科", 1.0),
    ("价格管理科", 1.5),
    ("价格监督检查科", 1.0),
    ("收费管理科", 0.8),
    ("资源节约和环境保护科", 1.5),
    ("地区经济科", 1.5),
    ("对外经济科", 1.0),
    ("利用外资科", 0.8),
    ("重大项目稽察科", 2.0),
    ("经济运行调节科", 2.0),
    ("粮食和物资储备科", 1.5),
    ("应急管理科", 1.5),
    ("招投标管理科", 0.8),
    ("信用建设科", 0.8),
    ("体制改革科", 1.2),
    ("服务业发展科", 1.0),
    ("数字经济科", 1.2),
    ("区域协调发展科", 1.0),
    ("营商环境科", 0.8),
    ("统计科", 0.8),
    ("机关党委", 1.0),
    ("纪检监察室", 0.8),
    ("离退休干部科", 0.3),
]
# the measured people: (key, tier, department, posts)
SUBJECTS = [
    ("general", "general", "财务审计科", ("staff",)),
    ("core", "core", "办公室", ("leader",)),
]

# issuer, prefix of its document numbers, weight
ISSUERS: list[tuple[str, str, float]] = [
    ("国家保密局", "国保发", 1.0),
    ("国家发展和改革委员会", "发改办", 4.0),
    ("省人民政府", "省政发", 3.0),
    ("省人民政府办公厅", "省政办", 4.0),
    ("省发展和改革委员会", "省发改", 6.0),
    ("省财政厅", "省财预", 2.0),
    ("省委办公厅", "省委办", 2.0),
    ("省委组织部", "省组通", 1.0),
    ("市委", "示委发", 2.0),
    ("市委办公室", "示委办", 3.0),
    ("市人民政府", "示政发", 4.0),
    ("市人民政府办公室", "示政办", 6.0),
    ("市财政局", "示财预", 3.0),
    ("市委组织部", "示组通", 1.5),
    ("市国家保密局", "示保发", 1.0),
    ("市公安局", "示公发", 1.0),
    ("市统计局", "示统发", 1.0),
    ("市自然资源和规划局", "示自然资", 1.5),
    ("市住房和城乡建设局", "示建发", 1.5),
    ("市交通运输局", "示交发", 1.0),
    ("市商务局", "示商发", 1.0),
    ("市工业和信息化局", "示工信", 1.5),
    ("市应急管理局", "示应急", 1.0),
    ("市审计局", "示审发", 1.0),
    ("本委", "示发改", 12.0),
    ("本委办公室", "示发改办", 6.0),
]
REGIONS = [
    "全市", "东城区", "西城区", "南湖区", "北山区", "高新区", "经开区", "临港新区", "青山县",
    "白河县", "云岭县", "滨江区", "长安区", "城关镇", "铁路沿线", "中心城区", "北部山区",
    "南部片区", "都市圈", "沿江地区",
]  # fmt: skip
TOPICS = [
    "重大项目布局", "财政预算编制", "干部调整", "能源安全保障", "粮食储备轮换", "应急物资调度",
    "产业园区规划", "国有资产监管", "重点工程建设", "电力供应保障", "天然气储备",
    "成品油价格调整", "水利设施建设", "交通枢纽规划", "轨道交通线网", "机场扩建", "港口码头建设",
    "铁路专用线", "高速公路收费", "城市更新改造", "老旧小区改造", "保障性住房建设",
    "土地储备出让", "耕地保护", "生态保护红线", "碳排放核算", "节能审查", "污染防治攻坚",
    "防汛抗旱", "地质灾害防治", "森林防火", "安全生产检查", "重要物资储备", "战略性新兴产业",
    "集成电路产业", "新能源汽车产业", "生物医药产业", "数字经济发展", "数据中心建设",
    "政务信息系统", "网络安全防护", "信息化项目审批", "招商引资项目", "外资项目核准",
    "对外投资备案", "自由贸易试验区", "口岸开放", "物流枢纽建设", "冷链物流", "农村电网改造",
    "乡村振兴", "高标准农田", "农产品价格监测", "生猪稳产保供", "价格监测预警", "收费清理",
    "营商环境评价", "信用体系建设", "失信联合惩戒", "政府投资基金", "专项债券项目",
    "中央预算内投资", "以工代赈", "援疆援藏项目", "对口支援", "区域协调发展", "城乡融合发展",
    "新型城镇化", "人口发展规划", "就业形势分析", "居民收入监测", "社会事业发展", "教育设施布局",
    "医疗卫生资源", "养老服务体系", "文化旅游项目", "体育场馆建设", "国防动员", "人民防空工程",
    "军民融合项目", "重要目标防护", "涉密工程建设", "保密要害部位", "涉密人员管理",
    "保密检查整改", "泄密事件处置", "密码设备配备", "机要通信", "档案数字化", "统计数据质量",
    "经济运行分析", "季度经济形势", "五年规划纲要", "年度计划执行", "国土空间规划",
    "重大决策评估", "行政审批改革", "投资项目审批", "工程招标投标", "政府采购", "国有企业改革",
    "混合所有制改革", "资源有偿使用", "矿产资源开发", "水资源配置", "长江保护", "黄河流域治理",
    "大气污染治理", "固体废物处置", "危险化学品管理", "煤炭产能", "钢铁去产能", "光伏发电项目",
    "风电项目核准", "抽水蓄能电站", "核电项目前期", "特高压输电", "油气管道保护", "储气设施建设",
    "电动汽车充电设施",
]  # fmt: skip
ACTIONS = [
    "",
    "",
    "",
    "的推进",
    "工作",
    "有关事项",
    "实施",
    "情况",
    "问题",
    "调整",
    "专项检查",
    "考核",
]
KINDS_OF_PAPER = [
    ("关于{x}的请示", 8),
    ("关于{x}的通知", 14),
    ("关于{x}的报告", 10),
    ("关于{x}的意见", 6),
    ("关于{x}的批复", 5),
    ("关于{x}的函", 6),
    ("{x}实施方案", 6),
    ("{x}工作要点", 3),
    ("{x}会议纪要", 5),
    ("{x}情况通报", 4),
    ("{x}专题报告", 3),
    ("{year}年{x}计划", 5),
    ("{year}年度{x}工作总结", 3),
    ("{x}调研报告", 3),
    ("{x}应急预案", 2),
    ("{x}管理办法", 3),
]
# (search text, what it stands for); the first group should hit 0.1-1% of the register
SEARCHES = [
    ("粮食储备", "topic"),
    ("新能源汽车", "topic"),
    ("高新区集成电路", "region and topic"),
    ("示政发〔2023〕", "document number"),
    ("的通知", "broad: about a sixth of all titles"),
    ("量子通信卫星", "no hit"),
]
REALISTIC = {"topic", "region and topic", "document number"}
LEVELS = [(0, 0.18), (1, 0.37), (2, 0.30), (3, 0.12), (4, 0.03)]
PERIODS = {2: ["5年", "10年", "6个月", "1年"], 3: ["10年", "20年", "5年"], 4: ["30年", "长期"]}
COPY_COUNTS = [(1, 18), (2, 16), (3, 14), (4, 10), (5, 9), (6, 7), (8, 7), (10, 6), (12, 4),
               (15, 4), (20, 3), (30, 2)]  # fmt: skip
COPY_STATES = [
    ("in_cabinet", 62), ("circulating", 10), ("on_loan", 5), ("received", 4), ("archived", 8),
    ("destroyed", 8), ("in_destruction", 1.5), ("reported_lost", 0.1), ("registered", 1.4),
]  # fmt: skip
IN_CABINET = {"registered", "in_cabinet", "archived", "in_destruction"}
WITH_PERSON = {"circulating", "on_loan", "in_transit", "received"}


def setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def timed(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Callable[[], Any]:
    """A fast draw from (value, weight) pairs."""
    import bisect
    import itertools

    values = [v for v, _ in pairs]
    cum = list(itertools.accumulate(w for _, w in pairs))
    total = cum[-1]
    rand = rng.random
    return lambda: values[bisect.bisect(cum, rand() * total)]


# ---------------------------------------------------------------------------------- loading


class Loader:
    """Bulk rows into the tables of models, by the models' own column lists: a column the
    generator does not give takes the field's default (so new nullable or defaulted fields
    need no change here)."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor

    def columns(self, model: Any, given: Sequence[str]) -> tuple[list[str], tuple[Any, ...]]:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [name for name in given if name not in fields]
        assert not missing, f"{model.__name__} has no {missing}"
        rest = [f for name, f in fields.items() if name not in given]
        extra = []
        for f in rest:
            default = f.get_default()  # "" for text fields without one
            if default is None and not f.null:
                raise AssertionError(f"{model.__name__}.{f.attname} needs a value")
            extra.append(f.get_db_prep_save(default, self.connection))
        return [fields[n].column for n in given] + [f.column for f in rest], tuple(extra)

    def load(self, model: Any, given: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        columns, extra = self.columns(model, given)
        table = model._meta.db_table
        count = 0

        def full() -> Iterator[tuple[Any, ...]]:
            nonlocal count
            for row in rows:
                count += 1
                yield row + extra

        raw = self.connection.connection
        if self.vendor == "sqlite":
            marks = ", ".join("?" * len(columns))
            raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", full())
        else:
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in full():
                    copy.write_row(row)
        return count

    def datetime(self, value: dt.datetime) -> Any:
        if self.vendor == "sqlite":
            return self.connection.ops.adapt_datetimefield_value(value)
        return value

    def date(self, value: dt.date | None) -> Any:
        if value is not None and self.vendor == "sqlite":
            return value.isoformat()
        return value


def search_statements() -> Any:
    return importlib.import_module("baomi.ledger.migrations.0003_search")


def drop_search_indexes() -> None:
    """Migration 0003's triggers (SQLite) or trigram indexes (PostgreSQL), dropped for the load:
    an index built once over the loaded rows is much faster than one maintained row by row."""
    from django.db import connection

    search = search_statements()
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            for name in ("ai", "ad", "au"):
                c.execute(f"DROP TRIGGER IF EXISTS ledger_document_fts_{name}")
        else:
            for f in search.FIELDS:
                c.execute(f"DROP INDEX IF EXISTS ledger_document_{f}_trgm")


def build_search_indexes() -> None:
    """Rebuild the FTS5 index from the loaded rows and restore its triggers (SQLite), or create
    the trigram indexes (PostgreSQL), with migration 0003's own statements."""
    from django.db import connection

    search = search_statements()
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("INSERT INTO ledger_document_fts(ledger_document_fts) VALUES ('rebuild')")
            for sql in search.SQLITE:
                if sql.startswith("CREATE TRIGGER"):
                    c.execute(sql)
        else:
            c.execute("SET maintenance_work_mem = '512MB'")
            for sql in search.POSTGRES:
                c.execute(sql)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("ANALYZE")
        else:
            c.execute("VACUUM ANALYZE")


def make_org(rng: random.Random) -> dict[str, Any]:
    """Departments through the service (40 of them); people and cabinets in bulk."""
    from django.contrib.auth.hashers import make_password

    from baomi.core import clock
    from baomi.core.models import OrgUnit
    from baomi.core.services import create_org_unit
    from baomi.ledger.models import Cabinet
    from baomi.people.models import Person, PostAssignment

    root = create_org_unit(actor=None, name=BUREAU, kind=OrgUnit.Kind.ORGANIZATION)
    units = {name: create_org_unit(actor=None, name=name, parent=root) for name, _ in DEPARTMENTS}
    now = clock.now()
    unusable = make_password(None)
    people: list[Person] = []
    posts: list[tuple[int, str]] = []
    tiers = weighted(rng, [("general", 50), ("important", 30), ("core", 10), ("none", 10)])
    for d, (name, _) in enumerate(DEPARTMENTS):
        unit = units[name]
        for i in range(10):
            post = "leader" if i == 0 else "clerk" if i == 1 else "staff"
            tier = "core" if post == "clerk" or name == "机要室" else tiers()
            people.append(
                Person(
                    username=f"{PREFIX}{d:02d}_{i}",
                    full_name=f"{name}{i}号",
                    password=unusable,
                    department=unit,
                    tier=tier,
                    password_changed_at=now,
                )
            )
            posts.append((len(people) - 1, post))
    for key, tier, unit_name, held in SUBJECTS:
        people.append(
            Person(
                username=f"{PREFIX}{key}",
                full_name=f"{key} {tier}",
                password=unusable,
                department=units[unit_name],
                tier=tier,
                password_changed_at=now,
            )
        )
        posts += [(len(people) - 1, p) for p in held]
    people = Person.objects.bulk_create(people)
    PostAssignment.objects.bulk_create(
        PostAssignment(person=people[i], post=post) for i, post in posts
    )
    # ten people per department, in order: the leader, the clerk, eight members of staff
    by_unit = {name: people[10 * d : 10 * d + 10] for d, (name, _) in enumerate(DEPARTMENTS)}
    clerks = {name: members[1] for name, members in by_unit.items()}
    cabinets = Cabinet.objects.bulk_create(
        Cabinet(
            name=f"{name}保密柜",
            code=f"B{d:02d}-01",
            department=units[name],
            custodian=clerks[name],
            location="机关大楼",
        )
        for d, (name, _) in enumerate(DEPARTMENTS)
    )
    top = Cabinet.objects.create(
        name="机要室绝密柜",
        code="JYS-TS",
        department=units["机要室"],
        custodian=clerks["机要室"],
        location="机关大楼三层",
    )
    return {
        "units": units,
        "clerks": clerks,
        "members": by_unit,
        "cabinet": {c.department.name: c for c in cabinets},
        "top_cabinet": top,
        "subjects": {key: people[-len(SUBJECTS) + i] for i, (key, *_) in enumerate(SUBJECTS)},
    }


def copy_counts(rng: random.Random, documents: int, copies: int) -> list[int]:
    """Copies per document from a realistic spread, adjusted so they add up to `copies`."""
    assert copies >= documents, "every document has at least one copy"
    draw = weighted(rng, COPY_COUNTS)
    counts = [draw() for _ in range(documents)]
    diff = copies - sum(counts)
    while diff:
        i = rng.randrange(documents)
        if diff > 0:
            step = min(diff, rng.randint(1, 5))
            counts[i] += step
            diff -= step
        elif counts[i] > 1:
            step = min(-diff, counts[i] - 1, rng.randint(1, 5))
            counts[i] -= step
            diff += step
    return counts


def generate(documents: int, copies: int, seed: int = 2026) -> dict[str, Any]:
    """The register: documents, their copies and knowledge scopes, in bulk."""
    from django.db import connection, transaction

    from baomi.core import clock
    from baomi.ledger.models import Copy, Document, ScopeEntry

    rng = random.Random(seed)
    steps: dict[str, float] = {}
    started = time.perf_counter()
    org = make_org(rng)
    steps["organization_s"] = time.perf_counter() - started
    loader = Loader()
    dept_names = [name for name, _ in DEPARTMENTS]
    dept_ids = {name: org["units"][name].pk for name in dept_names}
    pick_dept = weighted(rng, DEPARTMENTS)
    pick_level = weighted(rng, LEVELS)
    pick_issuer = weighted(rng, [((n, p), w) for n, p, w in ISSUERS])
    pick_paper = weighted(rng, KINDS_OF_PAPER)
    pick_state = weighted(rng, COPY_STATES)
    # who registers: the confidential room for most, the departments' own clerks for the rest
    registrar = weighted(rng, [("机要室", 60.0)] + [(n, w) for n, w in DEPARTMENTS])
    counts = copy_counts(rng, documents, copies)
    start = dt.datetime(2018, 1, 1, 8, tzinfo=dt.UTC)
    span = (clock.now() - start).total_seconds()
    step = span / documents
    regions, topics, actions = REGIONS, TOPICS, ACTIONS
    members = {n: [p.pk for p in org["members"][n]] for n in dept_names}
    scope_rows: list[tuple[Any, ...]] = []
    copy_rows: list[tuple[Any, ...]] = []
    numbers: dict[tuple[str, int], int] = {}

    def document_rows() -> Iterator[tuple[Any, ...]]:
        copy_id = 0
        for i in range(documents):
            pk = i + 1
            registered = start + dt.timedelta(seconds=i * step + rng.random() * step)
            issued = (registered - dt.timedelta(days=rng.randrange(0, 20))).date()
            year = issued.year
            x = rng.choice(topics) + rng.choice(actions)
            if rng.random() < 0.35:
                x = rng.choice(regions) + x
            title = pick_paper().format(x=x, year=year)
            issuer, prefix = pick_issuer()
            n = numbers[prefix, year] = numbers.get((prefix, year), 0) + 1
            level = pick_level()
            declassified = level >= 2 and rng.random() < 0.03
            marking = (
                f"{('', '', '秘密', '机密', '绝密')[level]}★{rng.choice(PERIODS[level])}"
                if level >= 2 and not declassified
                else ""
            )
            unit = registrar()
            clerk = org["clerks"][unit]
            # knowledge scope: the registering clerk, 1-3 departments, sometimes a post
            scope_rows.append((pk, clerk.pk, None, ""))
            chosen = {pick_dept() for _ in range(rng.choice((1, 1, 2, 2, 2, 3)))}
            scope_rows.extend((pk, None, dept_ids[name], "") for name in chosen)
            r = rng.random()
            if r < 0.06:
                scope_rows.append((pk, None, None, "leader"))
            elif r < 0.08:
                scope_rows.append((pk, None, None, "secretary"))
            # copies: in the registering department's cabinet, out with one of its people, or
            # gone; a copy in a cabinet has the cabinet as its accountable holder, one that is
            # out has a person
            cabinet = (org["top_cabinet"] if level == 4 else org["cabinet"][unit]).pk
            people = members[unit]
            for no in range(1, counts[i] + 1):
                copy_id += 1
                state = pick_state()
                if state in IN_CABINET:
                    copy_rows.append((copy_id, pk, no, state, None, cabinet))
                elif state in WITH_PERSON:
                    copy_rows.append((copy_id, pk, no, state, rng.choice(people), None))
                else:
                    copy_rows.append((copy_id, pk, no, state, None, None))
            yield (
                pk,
                title,
                f"{'ABCDEFGH'[i % 8]}-{pk}" if level >= 3 and rng.random() < 0.3 else "",
                f"{prefix}〔{year}〕{n}号",
                issuer,
                loader.date(issued),
                "incoming" if rng.random() < 0.8 else "internal",
                "work" if level == 1 else "state",
                level,
                marking,
                rng.choice((0, 0, 0, 0, 1, 2)),
                rng.choice(("paper",) * 8 + ("optical", "flash")),
                rng.randint(1, 60),
                issuer if level >= 2 else "",
                loader.date(issued if level >= 2 else None),
                dept_ids[unit],
                clerk.pk,
                loader.datetime(registered),
                "declassified" if declassified else "active",
            )

    doc_fields = [
        "id", "title", "code_name", "doc_number", "issuer", "issued_on", "origin", "kind",
        "level", "marking", "urgency", "form", "page_count", "classified_by", "classified_on",
        "department_id", "registered_by_id", "registered_at", "state",
    ]  # fmt: skip
    batch = 20_000
    drop_search_indexes()
    loaded = {"documents": 0, "copies": 0, "scope_entries": 0}
    scope_id = 0
    with transaction.atomic():
        timings = {"documents_s": 0.0, "copies_s": 0.0, "scope_s": 0.0}
        rows = document_rows()
        while True:
            chunk = []
            t = time.perf_counter()
            for row in rows:
                chunk.append(row)
                if len(chunk) == batch:
                    break
            timings["documents_s"] += time.perf_counter() - t  # generating the rows of all three
            if not chunk:
                break
            t = time.perf_counter()
            loaded["documents"] += loader.load(Document, doc_fields, chunk)
            timings["documents_s"] += time.perf_counter() - t
            t = time.perf_counter()
            loaded["copies"] += loader.load(
                Copy, ["id", "document_id", "copy_no", "state", "holder_id", "cabinet_id"],
                copy_rows,
            )  # fmt: skip
            copy_rows.clear()
            timings["copies_s"] += time.perf_counter() - t
            t = time.perf_counter()
            numbered = []
            for row in scope_rows:
                scope_id += 1
                numbered.append((scope_id, *row))
            loaded["scope_entries"] += loader.load(
                ScopeEntry, ["id", "document_id", "person_id", "department_id", "post"], numbered
            )
            scope_rows.clear()
            timings["scope_s"] += time.perf_counter() - t
        steps.update(timings)
        committing = time.perf_counter()
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            with connection.cursor() as c:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Document, Copy, ScopeEntry]
                ):
                    c.execute(sql)
    # PostgreSQL checks the deferred foreign keys of all loaded rows here
    steps["commit_s"] = time.perf_counter() - committing
    steps["search_index_s"], _ = timed(build_search_indexes)
    steps["analyze_s"], _ = timed(analyze)
    steps["total_s"] = time.perf_counter() - started
    assert loaded["copies"] == copies and loaded["documents"] == documents, loaded
    return {"generation": steps, **loaded}


# ------------------------------------------------------------------------------ measuring


def subjects() -> dict[str, Any]:
    from baomi.people.models import Person

    return {key: Person.objects.get(username=f"{PREFIX}{key}") for key, *_ in SUBJECTS}


def describe(person: Any) -> dict[str, Any]:
    """Who the person is, and how much of the register they may see."""
    from baomi.ledger.models import Document, ScopeEntry

    total = Document.objects.count()
    named = ScopeEntry.objects.filter(department=person.department_id).count()
    return {
        "username": person.username,
        "tier": person.tier,
        "department": person.department.name,
        "posts": sorted(person.post_codes),
        "department_scope_share": named / total,
        "visible": Document.objects.visible_to(person).count(),
        "documents": total,
    }


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        # nearest rank: the smallest sample with at least q of the samples at or below it
        return ordered[max(0, min(len(ordered) - 1, int(-(-q * len(ordered) // 1)) - 1))]

    return {
        "n": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": at(0.95) * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def page_client(person: Any) -> Any:
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(person, backend="baomi.people.backends.RoleBackend")
    return client


def measure_page(
    client: Any, params: dict[str, str], repeat: int, budget: float
) -> dict[str, float]:
    """Timings of GET /ledger/ with `params`: `repeat` requests, or fewer (at least 5) when
    they take longer than `budget` seconds in all. The first request warms up and is not
    counted."""
    from django.urls import reverse

    url = reverse("ledger:register")
    response = client.get(url, params)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < repeat and (len(samples) < 5 or time.perf_counter() - started < budget):
        t = time.perf_counter()
        response = client.get(url, params)
        samples.append(time.perf_counter() - t)
        assert response.status_code == 200
    return percentiles(samples)


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("EXPLAIN QUERY PLAN " + sql)
            return "\n".join(f"{r[0]} {r[1]} {r[3]}" for r in c.fetchall())
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in c.fetchall())


def diagnose(client: Any, params: dict[str, str], slowest: int = 2) -> list[dict[str, Any]]:
    """The slowest SQL statements of one request, each with its plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("ledger:register"), params)
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    out = []
    for q in queries[:slowest]:
        sql = q["sql"]
        plan = explain(sql) if sql.lstrip().upper().startswith("SELECT") else ""
        out.append({"ms": float(q["time"]) * 1000, "sql": sql, "plan": plan})
    return out


def hits(text: str) -> int:
    """How many documents the search matches, before visibility."""
    from baomi.ledger.models import Document
    from baomi.ledger.queries import matching

    return Document.objects.filter(matching(text)).count()


def page_count(person: Any, params: dict[str, str]) -> int:
    from baomi.ledger.queries import register_for

    return register_for(person, params).count()


def brief(entry: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={v:.2%}" if k == "share" else f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
        for k, v in entry.items()
        if k not in ("queries", "params")
    )


def measure_person(person: Any, repeat: int, budget: float) -> dict[str, Any]:
    client = page_client(person)
    result = describe(person)
    registers = [("all", {}), ("秘密", {"level": "2"})]
    if person.tier == "core":
        registers.append(("绝密", {"level": "4"}))
    result["register"] = []
    for name, params in registers:
        entry = {"filter": name, "params": params, "rows": page_count(person, params)}
        entry.update(measure_page(client, params, repeat, budget))
        entry["queries"] = diagnose(client, params)
        result["register"].append(entry)
        print(f"  register {name}: {brief(entry)}", flush=True)
    result["search"] = []
    for text, what in SEARCHES:
        params = {"q": text}
        entry = {
            "q": text,
            "what": what,
            "realistic": what in REALISTIC,
            "hits": hits(text),
            "visible_hits": page_count(person, params),
        }
        entry["share"] = entry["hits"] / result["documents"]
        entry.update(measure_page(client, params, repeat, budget))
        entry["queries"] = diagnose(client, params)
        result["search"].append(entry)
        print(f"  search {text}: {brief(entry)}", flush=True)
    return result


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child(username: str, rows: int) -> dict[str, Any]:
    """In a fresh process: the export of the person's register cut to `rows` rows, through the
    service the export view calls. Peak RSS is the process's high-water mark."""
    import django

    django.setup()
    from baomi.ledger import services, xlsx  # noqa: F401  (loaded before the baseline)
    from baomi.ledger.queries import register_for
    from baomi.people.models import Person

    person = Person.objects.get(username=username)
    documents = register_for(person, {}, copy_count=False)[:rows]
    before = rss_mb()
    seconds, data = timed(lambda: services.export_register(actor=person, documents=documents))
    return {
        "rows": documents.count(),
        "seconds": seconds,
        "rss_before_mb": before,
        "peak_rss_mb": rss_mb("VmHWM"),
        "xlsx_mb": len(data) / 1e6,
    }


def measure_export(person: Any, rows: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.ledger_bench", "--export-child", person.username,
         "--export-rows", str(rows)],
        check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def existing(documents: int, copies: int) -> bool:
    """True when an earlier run already loaded this register (its database is reused)."""
    from baomi.ledger.models import Copy, Document

    have = Document.objects.count()
    if not have:
        return False
    if have != documents or Copy.objects.count() != copies:
        raise SystemExit(
            f"the database already holds {have} documents; the bench needs its own database"
        )
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--copies", type=int, default=1_000_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40, help="requests per page measured")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per page at most")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        print(json.dumps(export_child(args.export_child, args.export_rows)))
        return
    setup()
    from django.db import connection

    result: dict[str, Any] = {
        "database": connection.vendor,
        "goals": GOALS,
        "repeat": args.repeat,
        "budget_s": args.budget,
    }
    if existing(args.documents, args.copies):
        from baomi.ledger.models import ScopeEntry

        result.update(documents=args.documents, copies=args.copies, generation=None)
        result["scope_entries"] = ScopeEntry.objects.count()
    else:
        result.update(generate(args.documents, args.copies))
    print({k: v for k, v in result.items() if k != "goals"}, flush=True)
    result["persons"] = {}
    for key, person in subjects().items():
        print(f"== {key}", flush=True)
        measured = measure_person(person, args.repeat, args.budget)
        measured["export"] = measure_export(person, args.export_rows)
        print(f"  export: {measured['export']}", flush=True)
        result["persons"][key] = measured
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.json:
        args.json.write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
