import pytest
from tests.e2e.helpers import assert_accessible, assert_only_local_requests, format_violations, serious_accessibility_violations
from tests.factories import SessionFactory

@pytest.mark.parametrize("bypass", [False, True])
def test_harness(new_page, transactional_db, bypass):
    s = SessionFactory()
    from events.models import Session
    assert Session.objects.count() == 1
    v = new_page("en", bypass_csp=bypass)
    r = v.open("/en/admin/login/")
    v.screenshot("harness-admin-login")
    print(format_violations(serious_accessibility_violations(v.page)))
    assert_only_local_requests(v.requests, v.base_url)
    v.page.evaluate("fetch('http://example.invalid/x').catch(()=>{}); const s=document.createElement('link'); s.rel='stylesheet'; s.href='https://cdn.example.invalid/b.css'; document.head.appendChild(s); document.body.setAttribute('style','color:red')")
    v.page.wait_for_timeout(800)
    print(v.errors)
    try:
        assert_only_local_requests(v.requests, v.base_url)
    except AssertionError as e:
        print("RAISED", e)
