from audit_log import chain


def test_chain_depends_on_previous_hash():
    assert chain("a", {"x": 1}) != chain("b", {"x": 1})
