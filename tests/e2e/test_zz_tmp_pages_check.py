# TEMPORARY (events pages helper): axe + errors on every public page; deleted after the check.
import pytest
from tests.e2e.helpers import assert_accessible, assert_no_browser_errors, assert_only_local_requests

PATHS = ["speakers/", "exhibition/", "cities/", "about/", "venue/", "live/", "sessions/keynote-darrell-m-west/",
         "sessions/workshop-gis/", "programme/?day=2010-09-06&kind=workshop", "sessions/nope/"]

@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("wide", [False, True])
def test_tmp_page(new_page, summit, lang, path, wide):
    opts = {"viewport": {"width": 1280, "height": 900}, "is_mobile": False, "has_touch": False} if wide else {}
    visit = new_page(lang, **opts)
    visit.open(f"/{lang}/{path}")
    visit.page.wait_for_load_state("networkidle")
    if lang == "en":
        visit.screenshot(("wide-" if wide else "") + "tmp-" + path.replace("/", "_").replace("?", "_"))
    assert_accessible(visit.page)
    assert_only_local_requests(visit.requests, visit.base_url)
    if "nope" not in path:
        assert_no_browser_errors(visit)
