import structlog

log = structlog.get_logger()


def handle(event: dict) -> dict:
    """Normalises one order event before it is written to the lake."""
    log.info("event", order_id=event.get("orderId"))
    return {"order_id": event["orderId"], "amount_minor": int(event["amountMinor"])}
