"""The HTML report in headless Chromium, through selenium: the page a browser shows.

    python3 tests/report/browser.py --planls target/release/planls --out target/report

For the example program and a program in trouble it writes the page with `planls report`, opens
it, checks the DOM against the report's JSON (every milestone present and late ones marked, one
SVG bar per scheduled initiative, the chart drawn with a size) and keeps a full-page screenshot
in --out, CI's artifact. Exits 1 with what differed.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parents[2]
CASES = [
    ("checkout-v2", ROOT / "examples" / "checkout-v2", "2027-01-04"),
    ("slipping", ROOT / "tests" / "fixtures" / "report" / "slipping.plan", "2027-03-01"),
]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def report(planls, source, today, fmt, out):
    subprocess.run(
        [planls, "report", str(source), "--today", today, "--format", fmt, "-o", str(out)],
        check=True,
    )


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--window-size=1280,900"):
        options.add_argument(argument)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def check_page(driver, name, page, expected):
    driver.get(page.as_uri())
    check(driver.title.endswith(f"status on {expected['today']}"), f"{name}: title {driver.title!r}")

    # Every milestone is a row of the table, marked late exactly when the report says so.
    rows = {r.get_attribute("data-milestone"): r for r in driver.find_elements(By.CSS_SELECTOR, "tr[data-milestone]")}
    wanted = [m["id"] for m in expected["milestones"]]
    check(sorted(rows) == sorted(wanted), f"{name}: milestone rows {sorted(rows)}, expected {sorted(wanted)}")
    for m in expected["milestones"]:
        row = rows.get(m["id"])
        if row is None:
            continue
        late = "late" in row.get_attribute("class").split()
        check(late == m["late"], f"{name}: milestone {m['id']} marked late={late}, expected {m['late']}")
        check(row.is_displayed(), f"{name}: milestone {m['id']} is not shown")
        if m["late"]:
            check("late" in row.text, f"{name}: late milestone {m['id']} does not say so: {row.text!r}")

    # The chart: one bar per scheduled initiative, each drawn with a width; a diamond per
    # forecast milestone; late ones marked there too.
    svg = driver.find_element(By.CSS_SELECTOR, "svg.gantt")
    check(svg.size["width"] > 800 and svg.size["height"] > 100, f"{name}: the chart is {svg.size}")
    bars = svg.find_elements(By.CSS_SELECTOR, "g.bar")
    scheduled = [b["id"] for g in expected["gantt"]["groups"] for b in g["bars"]]
    check(len(bars) == len(scheduled), f"{name}: {len(bars)} bars, expected {len(scheduled)}")
    check(sorted(b.get_attribute("data-id") for b in bars) == sorted(scheduled), f"{name}: bars for other initiatives")
    for bar in bars:
        rect = bar.find_element(By.TAG_NAME, "rect")
        if rect.size["width"] <= 0:
            failures.append(f"{name}: bar {bar.get_attribute('data-id')} has no width")
    late_bars = sorted(b.get_attribute("data-id") for b in svg.find_elements(By.CSS_SELECTOR, "g.bar.late"))
    expected_late = sorted(b["id"] for g in expected["gantt"]["groups"] for b in g["bars"] if b["late"])
    check(late_bars == expected_late, f"{name}: late bars {late_bars}, expected {expected_late}")
    diamonds = {d.get_attribute("data-id"): d for d in svg.find_elements(By.CSS_SELECTOR, "g.milestone")}
    for m in expected["gantt"]["milestones"]:
        diamond = diamonds.get(m["id"])
        check(diamond is not None, f"{name}: no diamond for milestone {m['id']}")
        if diamond is not None:
            late = "late" in diamond.get_attribute("class").split()
            check(late == m["late"], f"{name}: diamond {m['id']} late={late}, expected {m['late']}")
    check(len(svg.find_elements(By.CSS_SELECTOR, "line.today")) == 1, f"{name}: no line for today")

    # The headline says the program's colour.
    badge = driver.find_element(By.CSS_SELECTOR, "#headline .rag")
    check(badge.get_attribute("data-rag") == expected["health"]["rag"], f"{name}: headline {badge.text!r}")

    # Nothing was fetched: the page is one file.
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    check(fetched == [], f"{name}: the page fetched {fetched}")


def screenshot(driver, path):
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 900), 16000))
    driver.save_screenshot(str(path))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--planls", default=str(ROOT / "target" / "release" / "planls"))
    parser.add_argument("--out", default=str(ROOT / "target" / "report"))
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    driver = browser()
    try:
        for name, source, today in CASES:
            page, data = out / f"{name}.html", out / f"{name}.json"
            report(args.planls, source, today, "html", page)
            report(args.planls, source, today, "json", data)
            before = len(failures)
            check_page(driver, name, page, json.loads(data.read_text()))
            screenshot(driver, out / f"{name}.png")
            driver.set_window_size(1280, 900)
            status = "ok" if len(failures) == before else "FAILED"
            print(f"{name}: {status}; page {page}, screenshot {out / (name + '.png')}")
    finally:
        driver.quit()
    if failures:
        for n, failure in enumerate(failures, 1):
            print(f"{n}. {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
