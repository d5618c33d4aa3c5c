"""Real-time fraud risk score for card payments."""


def score(amount_minor: int, country_mismatch: bool, velocity_1h: int) -> float:
    risk = min(amount_minor / 500_000, 1.0) * 0.4
    risk += 0.35 if country_mismatch else 0.0
    risk += min(velocity_1h / 20, 1.0) * 0.25
    return round(risk, 3)
