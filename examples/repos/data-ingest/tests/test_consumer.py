from ingest.consumer import handle


def test_handle_normalises_amount():
    assert handle({"orderId": "o-1", "amountMinor": "1250"})["amount_minor"] == 1250
