"""The default secret-item catalog (SPEC §2; seed 000 第六条/第八条, seed 001 第一、二章)."""

from django.db import migrations

# name, level (4 绝密, 3 机密, 2 秘密), description
DEFAULT_ITEMS = [
    ("重大决策", 4, "本单位尚未公开的重大决策及其论证材料"),
    ("发展规划与计划", 3, "未公布的发展规划、年度计划和专项方案"),
    ("财务报告与统计报表", 3, "未公开的财务报告、统计报表和预算决算数据"),
    ("重要会议纪要", 3, "研究重要事项的会议记录和纪要"),
    ("经营状况", 3, "未公开的经营状况、重大项目进展"),
    ("人事档案", 2, "干部职工人事档案、考核和任免材料"),
    ("合同与协议", 2, "对外签订的合同、协议及其谈判材料"),
    ("工资薪酬", 2, "工资、津贴和薪酬分配方案"),
    ("未公开信息", 2, "其他按规定不宜公开的工作信息"),
]


def load(apps, schema_editor):
    SecretItem = apps.get_model("ledger", "SecretItem")
    SecretItem.objects.bulk_create(
        SecretItem(name=name, level=level, kind="state", description=description)
        for name, level, description in DEFAULT_ITEMS
    )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
