"""``tocsin analyze`` and ``tocsin patterns validate`` as a user runs them."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.cli import analyze_command
from services.cli.main import main

ARTICLE_HTML = b"""<html><head><title>Border</title></head><body><nav>Home | World</nav>
<article><h1>Troops on the move</h1>
<p>Venezuela has massed several thousand soldiers and tanks along its frontier with Guyana,
officials in Georgetown said on Monday, describing the move as a grave provocation.</p>
<p>The government in Caracas dismissed a Reuters report about the deployment as fake news.</p>
</article></body></html>"""


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's API
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(ARTICLE_HTML)))
        self.end_headers()
        self.wfile.write(ARTICLE_HTML)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def page_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/article"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine) -> None:  # noqa: ANN001
    """No stray tocsin.yaml, and the session's engine instead of loading the model again."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(analyze_command, "_engine", lambda settings: engine)


def test_analyze_file_prints_each_detection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Israel is massing troops near the border with Gaza.\n", encoding="utf-8")
    assert main(["analyze", str(article)]) == 0
    out = capsys.readouterr().out
    assert "military_buildup" in out and "Israel -> Gaza" in out and "[IL,PS]" in out


def test_analyze_json_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Nothing alarming happened in Oslo today."))
    assert main(["analyze", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_analyze_jsonl_writes_one_line_per_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        json.dumps(
            {
                "id": "d1",
                "text": "The ministry denied the report.",
                "context": "The Associated Press reported that the embassy was emptied.",
            }
        )
        + "\n"
        + json.dumps({"id": 2, "text": "Markets were calm."})
        + "\n",
        encoding="utf-8",
    )
    assert main(["analyze", "--jsonl", str(batch)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["d1", 2]
    [denial] = lines[0]["detections"]
    assert set(denial) >= {
        "pattern",
        "sentence",
        "start",
        "end",
        "actor",
        "target",
        "agency",
        "countries",
        "confidence",
        "cameo",
        "rule",
    }
    assert (denial["pattern"], denial["agency"]) == ("wire_denial", "Associated Press")
    assert lines[1]["detections"] == []


def test_analyze_jsonl_in_batches_keeps_order_and_skips_bad_lines(
    tmp_path: Path,
    engine,
    capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    texts = [
        "Israel is massing troops near the border with Gaza.",
        "Markets were calm.",
        "The Kremlin dismissed the Bloomberg report as fake news.",
    ]
    lines = []
    for number in range(analyze_command.BATCH * 2 + 5):
        lines.append(json.dumps({"id": number, "text": texts[number % 3]}))
        if number % 20 == 7:
            lines.append("{not json")
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["analyze", "--jsonl", str(tmp_path / "in.jsonl")]) == 1
    captured = capsys.readouterr()
    out = [json.loads(line) for line in captured.out.splitlines()]
    assert [line["id"] for line in out] == list(range(analyze_command.BATCH * 2 + 5))
    expected = [[d.model_dump(mode="json") for d in engine.detect(text)] for text in texts]
    assert [line["detections"] for line in out] == [expected[n % 3] for n in range(len(out))]
    assert expected[0] and expected[2] and not expected[1]
    assert captured.err.count('expected {"id", "text"}') == 4


def test_analyze_url_goes_through_the_ssrf_guard(
    page_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", page_url]) == 1
    assert "refusing to fetch" in capsys.readouterr().err

    monkeypatch.setenv("TOCSIN_SECURITY_ALLOW_PRIVATE_TARGETS", "true")
    assert main(["analyze", "--json", page_url]) == 0
    found = {d["pattern"]: d for d in json.loads(capsys.readouterr().out)}
    assert found["military_buildup"]["actor"] == "Venezuela"
    assert found["military_buildup"]["target"] == "Guyana"
    assert found["wire_denial"]["agency"] == "Reuters"
    assert "Home | World" not in found["military_buildup"]["sentence"]


def test_patterns_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "p.yaml").write_text("id: p\ntitle: P\nrules: [{id: r, anchor: [falsity]}]\n", encoding="utf-8")
    assert main(["patterns", "validate", str(good)]) == 0
    assert "1 pattern files are valid" in capsys.readouterr().out

    (good / "q.yaml").write_text(
        "id: q\ntitle: Q\nrules: [{id: r, anchor: [falsity], confidence: 3}]\n", encoding="utf-8"
    )
    assert main(["patterns", "validate", str(good)]) == 1
    err = capsys.readouterr().err
    assert "q.yaml: rules.0.confidence: Input should be less than or equal to 1" in err
