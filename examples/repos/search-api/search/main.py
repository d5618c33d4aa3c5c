"""Product search API backed by OpenSearch."""
from fastapi import FastAPI

app = FastAPI(title="search-api")


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@app.get("/v1/search")
def search(q: str, limit: int = 20) -> dict:
    return {"query": q, "limit": min(limit, 100), "hits": []}
