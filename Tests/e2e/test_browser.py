"""The web app in a real browser: Debian's headless Chromium driven by Selenium through chromedriver, against the
real `millwright` binary. Screenshots of the main pages at phone (390 px) and desktop widths are saved to
$MILLWRIGHT_ARTIFACTS/screenshots (default: artifacts/screenshots in the repository) as test artefacts.
"""

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import REPO_ROOT, sign_in

ARTIFACTS = Path(os.environ.get("MILLWRIGHT_ARTIFACTS") or REPO_ROOT / "artifacts") / "screenshots"
PHONE = (390, 844)
DESKTOP = (1280, 900)
PASSWORD = "a long browser password"


def chromium_paths():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
    if not browser or not Path(driver).exists():
        pytest.fail("chromium and chromedriver are not installed (scripts/test installs Debian's chromium and chromium-driver)")
    return browser, driver


def new_browser(size=DESKTOP):
    binary, driver = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={size[0]},{size[1]}", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(driver), options=options)
    browser.set_page_load_timeout(30)
    return browser


def wait(browser, condition, seconds=10):
    return WebDriverWait(browser, seconds).until(condition)


def web_sign_in(browser, server, email, password):
    browser.get(server.url("/sign-in"))
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "nav[aria-label=Main]")))


def screenshot(browser, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    assert path.stat().st_size > 1000, f"empty screenshot {path}"
    return path


@pytest.fixture(scope="module")
def team(server, owner):
    """A site, an asset, and a technician who signs in through the form."""
    site = server.request("POST", "/api/v1/sites", owner.token, json={"name": "Main plant"})
    assert site.status_code == 201, site.text
    asset = server.request("POST", "/api/v1/assets", owner.token, json={
        "name": "Line 2 conveyor drive", "tag": "VFD-201", "siteId": site.json()["id"], "kind": "drive",
        "manufacturer": "Allen-Bradley", "model": "PowerFlex 525"})
    assert asset.status_code == 201, asset.text
    technician = server.request("POST", "/api/v1/users", owner.token, json={
        "email": "tech@example.com", "name": "Tess Tech", "role": "technician", "password": PASSWORD})
    assert technician.status_code == 201, technician.text
    manager = server.request("POST", "/api/v1/users", owner.token, json={
        "email": "manager@example.com", "name": "Max Manager", "role": "manager", "password": PASSWORD})
    assert manager.status_code == 201, manager.text
    return {"site": site.json()["id"], "asset": asset.json()["id"], "technician": sign_in(server, "tech@example.com", PASSWORD)}


def test_sign_in_diagnose_give_feedback_and_make_a_work_order(server, owner, team):
    browser = new_browser()
    try:
        web_sign_in(browser, server, "tech@example.com", PASSWORD)
        assert "Home" in browser.title
        browser.find_element(By.LINK_TEXT, "Diagnose").click()
        browser.find_element(By.ID, "query").send_keys("PowerFlex 525 F004")
        browser.find_element(By.CSS_SELECTOR, ".diagnose-form button[type=submit]").click()
        answer = wait(browser, EC.presence_of_element_located((By.ID, "answer")))
        assert answer.get_attribute("data-atom") == "rockwell.powerflex-520.f004"
        safety = browser.find_element(By.ID, "safety-heading")
        assert safety.is_displayed()
        # Danger is shown in red: the safety box's border is the danger colour.
        colour = browser.find_element(By.CSS_SELECTOR, ".safety").value_of_css_property("border-top-color")
        assert colour in ("rgba(164, 22, 26, 1)", "rgb(164, 22, 26)"), colour
        assert "Source:" in browser.find_element(By.CSS_SELECTOR, "#answer .source").text
        browser.find_element(By.ID, "feedback-fixed").click()
        wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Thank you"))
        browser.find_element(By.ID, "create-work-order").click()
        wait(browser, EC.presence_of_element_located((By.ID, "work-order-status")))
        assert "F004 UnderVoltage" in browser.find_element(By.TAG_NAME, "h1").text
        number = browser.find_element(By.CSS_SELECTOR, "h1 .number").text
        # The API sees the same work order, made from the diagnosis.
        listed = server.request("GET", "/api/v1/work-orders?source=diagnosis", owner.token).json()["items"]
        assert [order["number"] for order in listed] == [number]
    finally:
        browser.quit()


def test_a_change_made_elsewhere_arrives_live_without_a_reload(server, owner, team):
    watcher = new_browser()
    try:
        web_sign_in(watcher, server, "manager@example.com", PASSWORD)
        watcher.get(server.url("/work-orders"))
        wait(watcher, lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-live-connected") == "true")
        watcher.execute_script("document.body.setAttribute('data-not-reloaded', 'yes')")
        made = server.request("POST", "/api/v1/work-orders", team["technician"].token, json={
            "title": "Belt squeal on line 2", "siteId": team["site"], "priority": "high"})
        assert made.status_code == 201, made.text
        number = made.json()["number"]
        wait(watcher, EC.text_to_be_present_in_element((By.ID, "live-notice"), number))
        wait(watcher, EC.text_to_be_present_in_element((By.ID, "work-order-list"), "Belt squeal on line 2"))
        # The same page: the list was refreshed in place, not reloaded.
        assert watcher.find_element(By.TAG_NAME, "body").get_attribute("data-not-reloaded") == "yes"
    finally:
        watcher.quit()


@pytest.mark.parametrize("size,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_main_pages_fit_the_screen_and_are_saved_as_screenshots(server, owner, team, size, label):
    browser = new_browser(size)
    try:
        browser.get(server.url("/sign-in"))
        screenshot(browser, f"sign-in-{label}")
        web_sign_in(browser, server, "manager@example.com", PASSWORD)
        diagnosis = server.request("POST", "/api/v1/diagnoses", owner.token, json={"query": "PowerFlex 525 F004"}).json()
        order = server.request("GET", "/api/v1/work-orders", owner.token).json()["items"][0]
        for name, path in [("home", "/"), ("work-orders", "/work-orders"), ("work-order", f"/work-orders/{order['id']}"),
                           ("diagnose", "/diagnose"), ("diagnosis", f"/diagnoses/{diagnosis['id']}"), ("account", "/account")]:
            browser.get(server.url(path))
            wait(browser, EC.presence_of_element_located((By.TAG_NAME, "h1")))
            # Nothing is wider than the window: no sideways scrolling on a phone.
            overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} is {overflow}px wider than the {label} window"
            screenshot(browser, f"{name}-{label}")
    finally:
        browser.quit()


def test_pages_are_keyboard_reachable_and_labelled(server, owner, team):
    browser = new_browser()
    try:
        web_sign_in(browser, server, "tech@example.com", PASSWORD)
        browser.get(server.url("/diagnose"))
        # Every form control has a label.
        unlabelled = browser.execute_script("""
            return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
              .filter(el => !(el.labels && el.labels.length) && !el.closest('label') && !el.getAttribute('aria-label'))
              .map(el => el.name || el.id);""")
        assert unlabelled == []
        # The first Tab reaches the skip link, which leads to the content.
        browser.find_element(By.TAG_NAME, "body").send_keys("\t")
        focused = browser.switch_to.active_element
        assert focused.get_attribute("class") == "skip" and focused.get_attribute("href").endswith("#main")
    finally:
        browser.quit()
