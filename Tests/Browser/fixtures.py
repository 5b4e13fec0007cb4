"""The data the scenarios start from: the demo school (`jiuyed serve --demo`), a kind declared in
YAML only, enough students in the counselor's classes for a 200-row page, records at each level."""

from pathlib import Path

from harness import ROOT

# A kind with no Swift behind it, as docs/plugins.md "A plugin in YAML only" declares one.
YAML_KIND = """
  internship:
    declare:
      label: 实习登记
      kinds:
        internship:
          label: 实习登记
          cardinality: one-per-student
          fields:
            - {key: company, label: 实习单位, type: text, required: true, indexed: true}
            - {key: startDate, label: 开始日期, type: date, required: true}
            - {key: mentor, label: 指导老师, type: text, editableBy: staff}
            - {key: grade, label: 成绩, type: code, table: internship-grade, editableBy: staff}
          review:
            stages: [counselor, school]
            resubmission: rejecting-stage
            reasons: [{code: missing, name: 材料缺失}, {code: other, name: 其他}]

codeTables:
  internship-grade:
    label: 实习成绩
    entries: [{code: A, name: 优秀}, {code: B, name: 良好}]
"""


def write_config(directory):
    """plugins.yaml of the repository with the YAML-only kind added to its `plugins:` map (the
    last section of the file, so the block appends under it)."""
    text = (ROOT / "plugins.yaml").read_text()
    assert text.rstrip().splitlines()[-1].startswith("  "), "plugins.yaml no longer ends inside plugins:"
    assert "\ncodeTables:" not in text, "plugins.yaml now has codeTables: — merge the internship table into it"
    path = Path(directory) / "plugins.yaml"
    path.write_text(text.rstrip() + "\n" + YAML_KIND)
    return path


WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(first17):
    """GB 11643: the check character of a resident ID number."""
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


EXTRA = 210   # the counselor's classes then hold 250 students: a full 200-row page and a second page


def extra_numbers():
    return [f"202211{100 + n:03d}" for n in range(1, EXTRA + 1)]


def extra_students_csv(directory):
    """210 more students of 软件2201 (cohort 2026) in the registry export's columns."""
    header = "学号,姓名,身份证号,性别,院系,专业,班级,学历层次,毕业年份,民族,专业代码,学制,入学年月,毕业日期,培养方式,学习形式,师范生类别,困难生类别"
    lines = [header]
    surnames, given = "王李张刘陈杨赵黄周吴", ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "甲", "乙"]
    for i, number in enumerate(extra_numbers()):
        month, day = 1 + i % 12, 1 + (i // 12) % 28
        male = i % 2 == 0
        first17 = f"1101082004{month:02d}{day:02d}{70 + i % 30:02d}{'1' if male else '2'}"
        name = surnames[i % 10] + given[i % 12] + given[(i // 12) % 12]
        lines.append(f"{number},{name},{id_number(first17)},{'男' if male else '女'},计算机学院,软件工程,软件2201,本科生毕业,2026,"
                     "01,080902,4,2022-09,2026-06-30,非定向,1,2,非困难生")
    path = Path(directory) / "extra-students.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def prepare(daemon, work):
    """Seeds what the scenarios need, in the order the demo's student numbers sort:
    10 records waiting for the school, 5 for the college, the rest for the counselor."""
    daemon.ctl("import", "students", extra_students_csv(work))
    daemon.ctl("seed", "records", "source-info", "--state", "pending:school", "--count", 10)
    daemon.ctl("seed", "records", "source-info", "--state", "pending:college", "--count", 5)
    daemon.ctl("seed", "records", "source-info", "--state", "pending:counselor")
