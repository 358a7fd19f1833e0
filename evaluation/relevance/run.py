"""Relevance evaluation: ROC AUC per niche, leave-niche-out calibration, throughput; writes REPORT.md and the
calibration the scorer ships with (models/embedder/calibration.json).

    .venv/bin/python evaluation/relevance/run.py [--embedders static minilm] [--no-write-calibration]

Needs ../shared/corpus. For every niche of testset.NICHES the profile is built from the owner's one-line
description alone (the `--niche` path); every page of the test set is scored against it; in-niche pages are the
positives, all others (other niches' pages, keyword matches judged off-niche, distractors) the negatives.

Calibration is honest: the logistic that maps background z-scores to [0, 1] is fitted leave-niche-out (on eight
niches, applied to the ninth) for the reported calibration metrics; the shipped parameters are then fitted on all
nine niches. AUC does not depend on the calibration at all (it is monotone within a niche).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT / "src")]

import testset  # noqa: E402

from linktriage.relevance import RelevanceScorer, build_niche_profile, embed_documents, load_embedder  # noqa: E402
from linktriage.relevance._scorer import Calibration  # noqa: E402
from linktriage.relevance._profile import PROFILE_KINDS  # noqa: E402

#: the profile kinds that hold site pages: each has its own calibration beside the one-line profile's
SITE_KINDS = tuple(kind for kind in PROFILE_KINDS if kind != "niche")

MODELS = ROOT / "models"


def _fit_logistic(z: np.ndarray, y: np.ndarray) -> Calibration:
    from sklearn.linear_model import LogisticRegression

    # Balanced classes: 0.5 then means even odds at equal prior, not the test set's share of in-niche pages.
    model = LogisticRegression(class_weight="balanced", C=10.0).fit(z.reshape(-1, 1), y)
    return Calibration(slope=float(model.coef_[0, 0]), intercept=float(model.intercept_[0]))


def evaluate(name: str, pages: list[testset.Page]) -> dict:
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    embedder = load_embedder(name, models_dir=MODELS)
    vectors = _page_vectors(embedder, pages)
    per_niche: dict[str, dict] = {}
    for niche, line in testset.NICHES.items():
        profile = build_niche_profile(embedder, niche=line)
        scorer = RelevanceScorer(embedder, profile, calibration=Calibration(1.0, 0.0))
        cosine = vectors @ profile.vector
        y = np.array([niche in p.niches for p in pages], dtype=int)
        per_niche[niche] = {"auc": float(roc_auc_score(y, cosine)), "z": scorer.z_score(cosine), "y": y,
                            "positives": int(y.sum()), "negatives": int(len(y) - y.sum()),
                            "bg_mean": scorer.background_mean, "bg_std": scorer.background_std,
                            "pos_cos": float(np.median(cosine[y == 1])), "neg_cos": float(np.median(cosine[y == 0])),
                            "auc_site": _site_profile_auc(embedder, pages, vectors, niche, line),
                            "kinds": {kind: _site_kind_z(embedder, pages, vectors, niche, line, kind)
                                      for kind in SITE_KINDS}}
    # leave-niche-out calibration: fit on the other niches, apply to this one
    one_line = {n: (st["z"], st["y"]) for n, st in per_niche.items()}
    held = _leave_niche_out(one_line)
    for niche, stats in per_niche.items():
        probability = held[niche]
        stats["acc_at_half"] = float(np.mean((probability >= 0.5) == stats["y"]))
        stats["tpr_at_half"] = float(np.mean(probability[stats["y"] == 1] >= 0.5))
        stats["fpr_at_half"] = float(np.mean(probability[stats["y"] == 0] >= 0.5))
    p, y = np.concatenate(list(held.values())), np.concatenate([st["y"] for st in per_niche.values()])
    weights = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    final = _fit_logistic(np.concatenate([s["z"] for s in per_niche.values()]), y)
    bins = []
    for low, high in ((0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.01)):
        inside = (p >= low) & (p < high)
        bins.append((low, min(high, 1.0), int(inside.sum()), float(y[inside].mean()) if inside.any() else float("nan")))
    kinds = {"niche": _kind_calibration(one_line, final, held)}
    for kind in SITE_KINDS:
        by_niche = {n: st["kinds"][kind] for n, st in per_niche.items()}
        fitted = _fit_logistic(np.concatenate([z for z, _ in by_niche.values()]),
                               np.concatenate([y for _, y in by_niche.values()]))
        kinds[kind] = _kind_calibration(by_niche, fitted, _leave_niche_out(by_niche))
        kinds[kind]["with_niche_calibration"] = _kind_calibration(by_niche, final, _leave_niche_out(by_niche, final))
    return {"name": name, "dim": embedder.dim, "niches": per_niche, "calibration": final, "bins": bins, "kinds": kinds,
            "lno_brier": float(brier_score_loss(y, p, sample_weight=weights)),
            "lno_logloss": float(log_loss(y, p, sample_weight=weights)),
            "throughput": throughput(embedder, pages)}


def _page_vectors(embedder, pages: list[testset.Page]) -> np.ndarray:
    """Pooled page vectors, cached in evaluation/cache/ (git-ignored) by model and text: MiniLM takes minutes."""
    import hashlib

    model_file = MODELS / "embedder" / "model.safetensors"
    key = hashlib.sha256(embedder.name.encode() + (model_file.read_bytes() if embedder.name == "static" else b"")
                         + "\0".join(p.text for p in pages).encode()).hexdigest()[:16]
    cache = ROOT / "evaluation" / "cache" / f"relevance-{embedder.name}-{key}.npy"
    if cache.exists():
        return np.load(cache)
    vectors = embed_documents(embedder, [p.text for p in pages])
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def _site_profile_auc(embedder, pages, vectors, niche: str, line: str, n_site: int = 3) -> float:
    """AUC when the profile also gets the site's pages (--site): three in-niche pages stand in for the target
    site and are left out of the scoring."""
    from sklearn.metrics import roc_auc_score

    members = sorted((p.uri, i) for i, p in enumerate(pages) if niche in p.niches)[:n_site]
    site = {i for _, i in members}
    profile = build_niche_profile(embedder, niche=line, site_texts=[pages[i].text for i in site])
    keep = [i for i in range(len(pages)) if i not in site]
    y = np.array([niche in pages[i].niches for i in keep], dtype=int)
    return float(roc_auc_score(y, vectors[keep] @ profile.vector))


def _site_kind_z(embedder, pages, vectors, niche: str, line: str, kind: str, n_site: int = 3,
                 draws: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Background z-scores and labels of the pages against profiles holding site pages (``site``: the pages alone,
    as `--site`; ``niche_and_site``: with the owner's line, as both options): in each of ``draws`` draws, another
    three in-niche pages stand in for the target site and are left out of the scoring."""
    members = [i for _, i in sorted((p.uri, i) for i, p in enumerate(pages) if niche in p.niches)]
    zs, ys = [], []
    for draw in range(draws):
        site = members[draw * n_site:(draw + 1) * n_site]
        if len(site) < n_site:
            break
        profile = build_niche_profile(embedder, niche=line if kind == "niche_and_site" else None,
                                      site_texts=[pages[i].text for i in site])
        scorer = RelevanceScorer(embedder, profile, calibration=Calibration(1.0, 0.0))
        keep = [i for i in range(len(pages)) if i not in site]
        zs.append(scorer.z_score(vectors[keep] @ profile.vector))
        ys.append(np.array([niche in pages[i].niches for i in keep], dtype=int))
    return np.concatenate(zs), np.concatenate(ys)


_KIND_NAMES = {"niche": "owner's line", "site": "site pages", "niche_and_site": "line + site pages"}


def _leave_niche_out(by_niche: dict[str, tuple[np.ndarray, np.ndarray]],
                     fixed: Calibration | None = None) -> dict[str, np.ndarray]:
    """Each niche's relevance from a logistic fitted on the other niches' (z-score, label) pairs, or from ``fixed``
    (what another kind's calibration does to these scores)."""
    held = {}
    for niche, (z, _) in by_niche.items():
        others = [v for n, v in by_niche.items() if n != niche]
        calibration = fixed or _fit_logistic(np.concatenate([o[0] for o in others]),
                                             np.concatenate([o[1] for o in others]))
        held[niche] = calibration.apply(z)
    return held


def _kind_calibration(by_niche: dict[str, tuple[np.ndarray, np.ndarray]], final: Calibration,
                      held: dict[str, np.ndarray]) -> dict:
    """One profile kind's shipped calibration (``final``) and the measures of its leave-niche-out relevance
    ``held`` (_leave_niche_out)."""
    tpr = [float(np.mean(held[niche][y == 1] >= 0.5)) for niche, (_, y) in by_niche.items()]
    fpr = [float(np.mean(held[niche][y == 0] >= 0.5)) for niche, (_, y) in by_niche.items()]
    p, y = np.concatenate(list(held.values())), np.concatenate([y for _, y in by_niche.values()])
    high = p >= 0.8
    return {"calibration": final, "mean_tpr": float(np.mean(tpr)), "mean_fpr": float(np.mean(fpr)),
            "off_niche_above_08": float(np.mean(high[y == 0])),
            "in_niche_share_above_08": float(y[high].mean()) if high.any() else float("nan"), "pairs": int(len(y))}


def throughput(embedder, pages: list[testset.Page]) -> dict:
    """texts/s for link-sized texts (anchors and contexts) and for whole pages (chunked and pooled)."""
    rng = np.random.default_rng(0)
    words = " ".join(p.text[:3000] for p in pages).split()
    contexts = [" ".join(words[i:i + 50]) for i in rng.integers(0, len(words) - 50, 2000)]  # ~300 characters
    embedder.encode(contexts[:50])  # warm-up
    started = time.perf_counter()
    embedder.encode(contexts)
    short = len(contexts) / (time.perf_counter() - started)
    sample = pages[::3]  # 80 pages: enough for a rate, and MiniLM stays within a couple of minutes
    started = time.perf_counter()
    embed_documents(embedder, [p.text for p in sample])
    docs = len(sample) / (time.perf_counter() - started)
    chars = sum(len(p.text) for p in sample) / len(sample)
    return {"contexts_per_s": short, "pages_per_s": docs, "mean_page_chars": chars}


def write_calibration(results: list[dict]) -> Path:
    path = MODELS / "embedder" / "calibration.json"
    current = json.loads(path.read_text()) if path.exists() else {"embedders": {}}
    current["method"] = ("relevance = 1 / (1 + exp(-(slope * z + intercept))), z = (cosine(page, profile) - mean) / "
                         "std of the profile's cosines to background.txt; logistic fitted with balanced classes on "
                         "evaluation/relevance (all niches, niche-only profiles). See docs/relevance.md.")
    current["method"] += (" Profiles holding the site's pages (`site`: --site alone; `niche_and_site`: both) have "
                          "their own pair, fitted the same way with three in-niche pages standing in for the site "
                          "(three draws per niche, those pages left out).")
    for r in results:
        entry = {"slope": round(r["calibration"].slope, 6), "intercept": round(r["calibration"].intercept, 6),
                 "fitted_on": f"{len(r['niches'])} niches, {len(r['niches']['coffee']['y'])} pages"}
        for kind in SITE_KINDS:
            fitted = r["kinds"][kind]
            entry[kind] = {"slope": round(fitted["calibration"].slope, 6),
                           "intercept": round(fitted["calibration"].intercept, 6),
                           "fitted_on": f"{len(r['niches'])} niches, {fitted['pairs']} page-profile pairs"}
        current["embedders"][r["name"]] = entry
    path.write_text(json.dumps(current, indent=2) + "\n")
    return path


def report(results: list[dict], pages: list[testset.Page]) -> str:
    names = [r["name"] for r in results]
    lines = ["# Relevance evaluation", "",
             "Regenerate: `.venv/bin/python evaluation/relevance/run.py` (needs ../shared/corpus; also refits "
             "`models/embedder/calibration.json`).", "",
             f"Test set: {len(pages)} corpus pages (wcxb-dev), {len(testset.NICHES)} niches, hand-checked membership "
             "in `membership.csv`; page text extracted from the WARC with linktriage's extractor (title, description, "
             "main text). Profiles use the one-line niche description only, except where said. Negatives for a niche "
             "are every other page "
             "(other niches, keyword matches judged off-niche, distractors).", "",
             "## ROC AUC per niche", "",
             "| niche | in / out | " + " | ".join(f"AUC {n}" for n in names) + " | "
             + " | ".join(f"{n}, line + 3 site pages" for n in names) + " | owner's line |",
             "|---|---|" + "---|" * (2 * len(names)) + "---|"]
    for niche, line in testset.NICHES.items():
        first = results[0]["niches"][niche]
        lines.append(f"| {niche} | {first['positives']} / {first['negatives']} | "
                     + " | ".join(f"{r['niches'][niche]['auc']:.3f}" for r in results) + " | "
                     + " | ".join(f"{r['niches'][niche]['auc_site']:.3f}" for r in results) + f" | {line} |")
    lines.append("| **mean** | | " + " | ".join(
        f"**{np.mean([s[key] for s in r['niches'].values()]):.3f}**" for key in ("auc", "auc_site") for r in results)
        + " | |")
    lines += ["", "The last columns build the profile from the owner's line plus three in-niche pages standing in for "
              "the target site (`--niche` with `--site`); those three pages are left out of that AUC."]
    lines += ["", "## Calibration (leave-niche-out)", "",
              "Each niche's relevance comes from a logistic fitted on the other eight niches (balanced classes). "
              "Brier score and log loss are class-balanced; TPR / FPR at 0.5 are per niche, then averaged.", "",
              "| embedder | shipped slope | shipped intercept | Brier | log loss | mean TPR@0.5 | mean FPR@0.5 | min TPR@0.5 | max FPR@0.5 |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        s = r["niches"].values()
        lines.append(f"| {r['name']} | {r['calibration'].slope:.3f} | {r['calibration'].intercept:.3f} | "
                     f"{r['lno_brier']:.3f} | {r['lno_logloss']:.3f} | {np.mean([x['tpr_at_half'] for x in s]):.3f} | "
                     f"{np.mean([x['fpr_at_half'] for x in s]):.3f} | {min(x['tpr_at_half'] for x in s):.3f} | "
                     f"{max(x['fpr_at_half'] for x in s):.3f} |")
    lines += ["", "### By what the profile is built from", "",
              "A profile holding the site's pages (`--site`) sits closer to every page than the owner's one line does "
              "(pages share a page's vocabulary and structure), so each kind of profile has its own logistic. Here "
              "three in-niche pages stand in for the site, in three draws per niche, and are left out of the scoring. "
              "Leave-niche-out, as above; the last columns apply the one-line calibration to that kind of profile "
              "(what every run with `--site` did before each kind had its own).", "",
              "| embedder | profile | slope | intercept | mean TPR@0.5 | mean FPR@0.5 | off-niche pairs >= 0.8 | "
              "in-niche share of >= 0.8 | with the one-line calibration: FPR@0.5, off-niche >= 0.8 |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for kind, fitted in r["kinds"].items():
            before = fitted.get("with_niche_calibration")
            was = f"{before['mean_fpr']:.3f}, {before['off_niche_above_08']:.3f}" if before else "(itself)"
            lines.append(f"| {r['name']} | {_KIND_NAMES[kind]} | {fitted['calibration'].slope:.3f} | "
                         f"{fitted['calibration'].intercept:.3f} | {fitted['mean_tpr']:.3f} | "
                         f"{fitted['mean_fpr']:.3f} | {fitted['off_niche_above_08']:.3f} | "
                         f"{fitted['in_niche_share_above_08']:.2f} | {was} |")
    lines += ["", "Reliability (leave-niche-out relevance, all niche x page pairs): share of in-niche pages per band.", "",
              "| band | " + " | ".join(f"{n}: pairs, in-niche share" for n in names) + " |", "|---|" + "---|" * len(names)]
    for index, (low, high, _, _) in enumerate(results[0]["bins"]):
        lines.append(f"| {low:.1f}–{high:.1f} | " + " | ".join(
            f"{r['bins'][index][2]}, {r['bins'][index][3]:.2f}" for r in results) + " |")
    lines += ["", "Raw cosines differ by niche, which is why the background z-score is used (median cosine of "
              "in-niche / other pages, and of the background):", "",
              "| niche | " + " | ".join(f"{n}: in / out / background" for n in names) + " |",
              "|---|" + "---|" * len(names)]
    for niche in testset.NICHES:
        lines.append(f"| {niche} | " + " | ".join(
            f"{r['niches'][niche]['pos_cos']:.2f} / {r['niches'][niche]['neg_cos']:.2f} / {r['niches'][niche]['bg_mean']:.2f}"
            for r in results) + " |")
    lines += ["", "## Throughput on this machine", "",
              f"{platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores (shared with other "
              "work while measured, so treat as a lower bound). Contexts: 2,000 texts of ~300 characters in one call. "
              f"Pages: every third test page ({len(pages[::3])}, mean {results[0]['throughput']['mean_page_chars']:,.0f} characters), "
              "chunked and pooled.", "",
              "| embedder | dims | contexts / anchors (texts/s) | pages (pages/s) |", "|---|---|---|---|"]
    for r in results:
        t = r["throughput"]
        lines.append(f"| {r['name']} | {r['dim']} | {t['contexts_per_s']:,.0f} | {t['pages_per_s']:,.1f} |")
    size = sum(p.stat().st_size for p in (MODELS / "embedder").iterdir()) / 1e6
    lines += ["", f"Static model folder size: {size:.1f} MB.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedders", nargs="+", default=["static", "minilm"])
    parser.add_argument("--no-write-calibration", action="store_true")
    args = parser.parse_args(argv)
    if not (testset.CORPUS / "manifest.jsonl.gz").exists():
        raise SystemExit(f"the relevance evaluation needs the corpus at {testset.CORPUS}")
    pages = testset.load_pages()
    results = [evaluate(name, pages) for name in args.embedders]
    if not args.no_write_calibration:
        print("calibration ->", write_calibration(results))
    text = report(results, pages)
    (HERE / "REPORT.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
