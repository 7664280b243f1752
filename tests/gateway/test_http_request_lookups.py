"""HttpRequest's header and query look-ups are indexed once; the index follows the request
when its headers or query string are replaced."""

from __future__ import annotations

from sagelab.gateway.http import HttpRequest


def _request() -> HttpRequest:
    return HttpRequest(
        method="POST",
        raw_path="/",
        query_string="a=1&b=2&a=3",
        headers=[("x-amz-meta-a", "1"), ("host", "h"), ("x-amz-meta-a", "2")],
    )


def test_header_lookups_keep_order_and_case_insensitivity() -> None:
    req = _request()
    assert req.header("X-Amz-Meta-A") == "1"
    assert req.header_all("x-amz-meta-a") == ["1", "2"]
    assert req.header("missing", "dflt") == "dflt"
    req.header_all("x-amz-meta-a").append("3")  # a copy: the index is not touched
    assert req.header_all("x-amz-meta-a") == ["1", "2"]


def test_replaced_headers_and_query_are_seen() -> None:
    req = _request()
    assert req.header("host") == "h" and req.query_param("a") == "1"
    req.headers = [("host", "other")]
    req.query_string = "a=9"
    assert req.header("host") == "other"
    assert req.header("x-amz-meta-a") is None
    assert req.query == [("a", "9")]
