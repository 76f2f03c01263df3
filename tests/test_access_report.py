"""`procmine report --access-policy FILE --role ROLE`: the report holds the role's cases only, and is audited."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from procmine.audit import AuditLog
from procmine.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"
POLICY = "roles:\n  tm: {departments: [Teknik og Miljø], datasets: [aktindsigt]}\n"
runner = CliRunner()


def test_a_report_for_a_role_holds_its_department_only_and_is_audited(tmp_path, monkeypatch):
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("PROCMINE_AUDIT_URL", url)
    common = [str(SAMPLES / "aktindsigt"), "--group-by", "department", "--period", "year"]
    everyone = runner.invoke(app, ["report", *common, "-o", str(tmp_path / "all.html")])
    assert everyone.exit_code == 0, everyone.output
    assert "Borgmesterens Afdeling" in (tmp_path / "all.html").read_text(encoding="utf-8")
    result = runner.invoke(app, ["report", *common, "-o", str(tmp_path / "tm.html"),
                                 "--access-policy", str(tmp_path / "policy.yaml"), "--role", "tm"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "tm.html").read_text(encoding="utf-8")
    assert "Teknik og Miljø" in html
    for other in ("Borgmesterens Afdeling", "Social og Sundhed", "Børn og Læring"):
        assert other not in html
    reports = [r for r in AuditLog(url).records() if r.action == "report"]
    assert [(r.role, r.dataset) for r in reports] == [("", "aktindsigt"), ("tm", "aktindsigt")]


def test_a_report_for_an_unknown_role_or_another_dataset_is_refused(tmp_path):
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    policy = ["--access-policy", str(tmp_path / "policy.yaml")]
    unknown = runner.invoke(app, ["report", str(SAMPLES / "aktindsigt"), "-o", str(tmp_path / "a.html"),
                                  *policy, "--role", "gæst"])
    assert unknown.exit_code == 2 and "has no role gæst" in unknown.output
    other = runner.invoke(app, ["report", str(SAMPLES / "merudgifter"), "-o", str(tmp_path / "b.html"),
                                *policy, "--role", "tm"])
    assert other.exit_code == 2 and "does not give access to the dataset merudgifter" in other.output
    assert not (tmp_path / "b.html").exists()
    alone = runner.invoke(app, ["report", str(SAMPLES / "aktindsigt"), "-o", str(tmp_path / "c.html"),
                                "--role", "tm"])
    assert alone.exit_code == 2 and "--access-policy" in alone.output
