"""Fan-out / fan-in: many activities at once, then their results together."""

# ruff: noqa: B905 (zip without strict=, as users write it)

import azure.durable_functions as df

from faas_iac import Blueprint

bp = Blueprint("fanout")


@bp.orchestrator
def backup_site_content(context: df.DurableOrchestrationContext):
    root_directory: str = context.get_input()
    if not root_directory:
        raise Exception("A directory path is required as input")
    files = yield context.call_activity("get_file_list", root_directory)
    tasks = []
    for file in files:
        tasks.append(context.call_activity("copy_file_to_blob", file))
    results = yield context.task_all(tasks)
    total_bytes = sum(results)
    return total_bytes


@bp.orchestrator
def word_counts(context: df.DurableOrchestrationContext):
    docs = context.get_input()["documents"]
    names = [d["name"] for d in docs if d["text"].strip()]
    tasks = [context.call_activity("count_words", d["text"]) for d in docs if d["text"].strip()]
    counts = yield context.task_all(tasks)
    by_name = dict(zip(names, counts))
    return {
        "counts": by_name,
        "total": sum(counts),
        "longest": max(by_name, key=by_name.get) if by_name else None,
        "skipped": len(docs) - len(names),
    }


@bp.orchestrator
def parallel_prices(context: df.DurableOrchestrationContext):
    skus = context.get_input()
    prices = yield context.task_all([context.call_activity("lookup_price", s) for s in skus])
    price_by_sku = {sku: price for sku, price in zip(skus, prices)}
    cheapest = min(skus, key=lambda s: price_by_sku[s])
    ranked = sorted(skus, key=lambda s: price_by_sku[s], reverse=True)
    return {"prices": price_by_sku, "cheapest": cheapest, "ranked": ranked}


@bp.orchestrator
def thumbnail_batch(context: df.DurableOrchestrationContext):
    urls = context.get_input()
    tasks = []
    for i, url in enumerate(urls):
        tasks.append(context.call_activity("make_thumbnail", {"index": i, "url": url}))
    thumbs = yield context.task_all(tasks)
    failed = [t["url"] for t in thumbs if not t["ok"]]
    return {
        "all_ok": all(t["ok"] for t in thumbs),
        "any_ok": any(t["ok"] for t in thumbs),
        "failed": failed,
        "sizes": [t["size"] for t in thumbs if t["ok"]],
    }


@bp.orchestrator
def process_in_chunks(context: df.DurableOrchestrationContext):
    request = context.get_input()
    items = request["items"]
    size = request.get("chunk_size", 3)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    results = yield context.task_all([context.call_activity("process_chunk", c) for c in chunks])
    processed = sum(r["count"] for r in results)
    return {"chunks": len(chunks), "processed": processed}


@bp.orchestrator
def two_stage_fan_out(context: df.DurableOrchestrationContext):
    candidates = context.get_input()
    checks = yield context.task_all(
        [context.call_activity("check_candidate", c) for c in candidates]
    )
    eligible = [c["name"] for c in checks if c["eligible"]]
    offers = yield context.task_all([context.call_activity("make_offer", n) for n in eligible])
    return {"eligible": eligible, "offers": offers}


@bp.activity
def get_file_list(root_directory: str) -> list:
    return [f"{root_directory}/{name}" for name in ("index.html", "app.js", "style.css")]


@bp.activity
def copy_file_to_blob(file_path: str) -> int:
    return len(file_path) * 100


@bp.activity
def count_words(text: str) -> int:
    return len(text.split())


@bp.activity
def lookup_price(sku: str) -> float:
    return round(sum(ord(c) for c in sku) / 10, 2)


@bp.activity
def make_thumbnail(request: dict) -> dict:
    ok = not request["url"].endswith(".gif")
    return {"url": request["url"], "ok": ok, "size": (request["index"] + 1) * 64 if ok else 0}


@bp.activity
def process_chunk(chunk: list) -> dict:
    return {"count": len(chunk), "sum": sum(chunk)}


@bp.activity
def check_candidate(candidate: dict) -> dict:
    return {"name": candidate["name"], "eligible": candidate["score"] >= 70}


@bp.activity
def make_offer(name: str) -> str:
    return f"offer for {name}"
