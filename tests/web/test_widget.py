"""The widget's files: fresh builds of widget/, within the size budget, served well."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from yorum.web.widget import ASSETS

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "yorum" / "web" / "static" / "widget"
BUDGET_EMBED = 12 * 1024  # embed.js + embed.css, gzipped
BUDGET_COUNT = 1536  # count.js, gzipped


def gzipped(name: str) -> int:
    return len(gzip.compress((BUILT / name).read_bytes(), compresslevel=9))


def test_the_committed_build_is_fresh(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (ROOT / "widget" / "node_modules" / "esbuild").exists():
        pytest.skip("node and widget/node_modules are needed (make widget-deps installs them)")
    subprocess.run(
        [node, "build.mjs", "--out", str(tmp_path)],
        cwd=ROOT / "widget",
        check=True,
        capture_output=True,
    )
    built = sorted(p.relative_to(BUILT) for p in BUILT.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert built == fresh
    for name in fresh:
        assert (tmp_path / name).read_bytes() == (BUILT / name).read_bytes(), (
            f"{name} is stale: run `make widget` and commit the result"
        )


def test_every_language_has_every_message() -> None:
    source = ROOT / "widget" / "src" / "i18n"
    english = json.loads((source / "en.json").read_text(encoding="utf-8"))
    languages = sorted(p.stem for p in source.glob("*.json"))
    assert languages == sorted(["ar", "de", "en", "es", "fa", "fr", "ru", "tr"])
    for path in source.glob("*.json"):
        catalog = json.loads(path.read_text(encoding="utf-8"))
        assert set(catalog) == set(english), path.name
        assert set(catalog["errors"]) == set(english["errors"]), path.name
        for key, value in catalog.items():
            if isinstance(english[key], dict) and key != "errors":
                assert "other" in value, f"{path.name}: {key} needs an 'other' form"
            placeholders = set(re.findall(r"\{(\w+)\}", json.dumps(english[key])))
            assert placeholders <= set(re.findall(r"\{(\w+)\}", json.dumps(value))) | {"n"}, (
                f"{path.name}: {key} drops a placeholder"
            )


def test_the_widget_keeps_to_its_size_budget() -> None:
    assert gzipped("embed.js") + gzipped("embed.css") <= BUDGET_EMBED
    assert gzipped("count.js") <= BUDGET_COUNT


def test_the_script_names_its_stylesheet_by_content_hash() -> None:
    css = ASSETS["embed.css"]
    assert f"embed.css?v={css.version}" in ASSETS["embed.js"].body.decode()


def test_the_scripts_are_served_cached_and_compressed(client: TestClient) -> None:
    script = client.get("/embed.js", headers={"accept-encoding": "br"})
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.headers["content-encoding"] == "br"
    assert script.headers["cache-control"] == "public, max-age=3600"
    assert script.content == ASSETS["embed.js"].body  # the client undoes the compression
    again = client.get("/embed.js", headers={"if-none-match": script.headers["etag"]})
    assert again.status_code == 304
    version = ASSETS["embed.css"].version
    css = client.get(f"/embed.css?v={version}")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert client.get("/embed.css?v=old").headers["cache-control"] == "public, max-age=3600"
    count = client.get("/count.js", headers={"accept-encoding": "gzip"})
    assert count.status_code == 200 and count.headers["content-encoding"] == "gzip"


def test_languages_are_served_to_keep(client: TestClient) -> None:
    turkish = client.get("/widget/i18n/tr.json?v=1", headers={"accept-encoding": "gzip"})
    assert turkish.status_code == 200
    assert turkish.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert turkish.json()["reply"] == "Yanıtla"
    assert client.get("/widget/i18n/xx.json").status_code == 404
    assert client.get("/widget/i18n/..%2Fembed.js").status_code == 404
