#!/usr/bin/python3
"""Drives Debian's headless Chromium for the console tests: one JSON command per line on stdin, one JSON answer per
line on stdout, the browser kept open between them (a page is checked as a person sees it, while the network changes).

Commands: {"open": URL}, {"wait": JS expression, "timeout": seconds} (until it is truthy; answers the seconds it
took), {"eval": JS expression}, {"text": CSS selector} (the visible text), {"screenshot": path}, {"quit": true}.
Every answer is {"ok": true, "value": ...} or {"ok": false, "error": "..."}.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def main():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    answer({"ok": True, "value": "ready"})
    try:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                command = json.loads(line)
                if "quit" in command:
                    answer({"ok": True, "value": None})
                    break
                answer({"ok": True, "value": run(driver, command)})
            except Exception as error:  # every failure is an answer, never a hang
                answer({"ok": False, "error": "%s: %s" % (type(error).__name__, error)})
    finally:
        driver.quit()


def run(driver, command):
    if "open" in command:
        driver.get(command["open"])
        return driver.title
    if "wait" in command:
        started = time.monotonic()
        deadline = started + float(command.get("timeout", 10))
        while True:
            if driver.execute_script("return !!(" + command["wait"] + ")"):
                return time.monotonic() - started
            if time.monotonic() > deadline:
                raise TimeoutError("not true within %ss: %s" % (command.get("timeout", 10), command["wait"]))
            time.sleep(0.05)
    if "eval" in command:
        return driver.execute_script("return (" + command["eval"] + ")")
    if "text" in command:
        return driver.find_element(By.CSS_SELECTOR, command["text"]).text
    if "screenshot" in command:
        driver.save_screenshot(command["screenshot"])
        return command["screenshot"]
    raise ValueError("unknown command %s" % sorted(command))


def answer(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
