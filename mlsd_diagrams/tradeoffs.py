"""The trade-off library: well-known ML system design decisions, one explicit table.

A design spec names an entry and records its choice:
`tradeoffs: [{name: ann-vs-exact-search, choice: "ANN (HNSW)", reason: "..."}]`.
The write-up renders each entry as a Markdown table of options plus a list of facts, so every
strength and weakness is short (at most 90 characters) and no text holds `|` or a newline.

Facts are the quantified or sourced points of the project's domain reference (DOMAIN.md section 3,
plus a few from sections 1, 2 and 4), in our own words, each ending with its source in
parentheses. To add a trade-off, add one entry to TABLE.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import suggest
from .errors import shown


@dataclass(frozen=True)
class Option:
    """One way to make the decision."""

    name: str
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    pick_when: str


@dataclass(frozen=True)
class Tradeoff:
    """One decision with its options and the facts that inform it."""

    name: str
    title: str
    question: str
    options: tuple[Option, ...]
    facts: tuple[str, ...]


_FAISS = "github.com/facebookresearch/faiss/wiki/Guidelines-to-choose-an-index"
_HUYEN_REAL_TIME = (
    "huyenchip.com/2022/01/02/real-time-machine-learning-challenges-and-solutions.html"
)
_MLCC = "developers.google.com/machine-learning/crash-course/overfitting/imbalanced-datasets"
_FRAMEWORK = "aman.ai/mlsysdes/framework"

TABLE: tuple[Tradeoff, ...] = (
    Tradeoff(
        name="lambda-vs-kappa",
        title="Lambda vs Kappa architecture",
        question=(
            "Run separate batch and streaming paths, or one streaming path over a replayable log?"
        ),
        options=(
            Option(
                name="Lambda",
                strengths=(
                    "Batch layer recomputes accurate views from the full history",
                    "Speed layer keeps results fresh between batch runs",
                    "Serving layer merges batch and real-time views",
                ),
                weaknesses=(
                    "Batch and streaming logic live in two codebases that drift apart",
                    "Two pipelines to run, test and keep consistent",
                ),
                pick_when=(
                    "Most features are heavy batch aggregates and only a few must be fresh, "
                    "as in feature-store-plus-online-features designs."
                ),
            ),
            Option(
                name="Kappa",
                strengths=(
                    "One streaming codebase for live processing and reprocessing",
                    "Reprocess by replaying the log from offset 0",
                ),
                weaknesses=(
                    "Needs long log retention to replay history",
                    "Replaying a long history through the stream job is slow",
                ),
                pick_when=(
                    "The logic is mostly streaming and the log can be kept long enough "
                    "to rebuild state by replay."
                ),
            ),
        ),
        facts=(
            "Kappa keeps one replayable log and reprocesses by replaying it from offset 0, so it "
            "needs long retention; Kafka's default is 7 days "
            "(learn.padho.ai/wiki/kappa-architecture)",
            "The book's designs that pair a feature store with online features are Lambda-like "
            "(Aminian & Xu)",
        ),
    ),
    Tradeoff(
        name="batch-vs-online-prediction",
        title="Batch vs online prediction",
        question="Precompute predictions on a schedule, or compute them when a request arrives?",
        options=(
            Option(
                name="Batch prediction",
                strengths=(
                    "High throughput: scores everything in bulk jobs",
                    "Serving is a cheap lookup of precomputed results",
                ),
                weaknesses=(
                    "Predictions go stale between runs",
                    "Wastes work on users or items that are never requested",
                    "Cannot use the context of the live request",
                ),
                pick_when=(
                    "Inputs change slowly and the set to score is bounded, e.g. People You May "
                    "Know refreshed weekly."
                ),
            ),
            Option(
                name="Online prediction (batch features)",
                strengths=(
                    "Low latency per request with no wasted precomputation",
                    "Uses request-time context such as time and location",
                ),
                weaknesses=(
                    "The model must meet the latency budget on every request",
                    "Features are only as fresh as the last batch job",
                ),
                pick_when="Answers must fit each request, but features may lag by hours.",
            ),
            Option(
                name="Online prediction (streaming features)",
                strengths=(
                    "Features reflect events from seconds ago",
                    "Reacts to behaviour within the current session",
                ),
                weaknesses=(
                    "Needs a feature store and stream processing",
                    "Hardest to build and to keep consistent with training",
                ),
                pick_when="Freshness drives the metric, e.g. ads or in-session recommendations.",
            ),
        ),
        facts=(
            "Batch prediction favors throughput and online prediction favors latency (DMLS ch7)",
            "Batch prediction wastes work: if only 20% of users log in, about 80% of PYMK's "
            "precomputed results go unused (DMLS ch7)",
            "Huyen's stages: batch, then online with batch features, then streaming features, "
            f"which need a feature store ({_HUYEN_REAL_TIME})",
        ),
    ),
    Tradeoff(
        name="online-learning-vs-periodic-retraining",
        title="Online (continual) learning vs periodic retraining",
        question="Update the model incrementally as data arrives, or retrain it on a schedule?",
        options=(
            Option(
                name="Periodic retraining",
                strengths=(
                    "Simple, reproducible batch training jobs",
                    "Works with any model family, including GBDT",
                ),
                weaknesses=(
                    "The model goes stale between runs",
                    "Retraining from scratch repeats work and costs more compute",
                ),
                pick_when="Data drifts slowly and a daily or weekly model is fresh enough.",
            ),
            Option(
                name="Online / incremental learning",
                strengths=(
                    "The model tracks fresh data within minutes or hours",
                    "Stateful incremental updates cost far less than full retrains",
                ),
                weaknesses=(
                    "GBDT models fine-tune poorly",
                    "Needs fresh labels, monitoring and safe rollback",
                ),
                pick_when=(
                    "Freshness moves the metric and the model is a neural network or linear model, "
                    "e.g. ad click prediction."
                ),
            ),
        ),
        facts=(
            "Facebook ads: moving from weekly to daily retraining lowered normalized entropy by "
            "about 1% (Facebook ads paper)",
            "Facebook ads: GBDT plus logistic regression beat either model alone by more than 3% "
            "(Facebook ads paper)",
            "Grubhub: stateful incremental training cut training cost 45× and raised purchase-"
            "through rate by 20% (arXiv 2107.07106)",
            "Ad click prediction needs continual learning: even a 5-minute update delay hurts "
            "(aman.ai/h/des/ad-click-prediction)",
        ),
    ),
    Tradeoff(
        name="cloud-vs-on-device",
        title="Cloud vs on-device inference",
        question="Run the model on servers, or on the user's device?",
        options=(
            Option(
                name="Cloud",
                strengths=(
                    "Simpler to build, deploy and update",
                    "Fast inference on server hardware",
                ),
                weaknesses=(
                    "Costly: the provider pays for serving compute",
                    "The network round trip adds latency",
                    "Less private: user data leaves the device",
                    "Needs connectivity",
                ),
                pick_when="The model is large or changes often, and users are online.",
            ),
            Option(
                name="On-device",
                strengths=(
                    "No network latency, and works offline",
                    "More private: data stays on the device",
                    "Serving compute runs on users' hardware",
                ),
                weaknesses=(
                    "Harder: the model must fit the device's memory, power and compute",
                    "Slower inference on limited hardware",
                    "Usually needs compression: distillation, pruning, quantization",
                ),
                pick_when="Privacy, offline use or tight latency matter, and the model can shrink.",
            ),
        ),
        facts=(
            "Cloud is simpler and infers fast, but is costly, adds network latency, is less "
            "private and needs connectivity (book Table 1.6)",
            "INT8 quantization makes models about 4× smaller and compute 2–4× faster "
            "(pytorch.org/docs/1.8.1/quantization.html)",
        ),
    ),
    Tradeoff(
        name="ann-vs-exact-search",
        title="Approximate (ANN) vs exact nearest-neighbour search",
        question="Compare the query with every vector exactly, or search an approximate index?",
        options=(
            Option(
                name="Exact search",
                strengths=(
                    "Perfect recall, with no index to build or tune",
                    "Simple, and fine for small collections",
                ),
                weaknesses=(
                    "Cost grows linearly: O(N·D) per query",
                    "Too slow for large collections at low latency",
                ),
                pick_when="The collection is small, or results must be exact, e.g. ground truth.",
            ),
            Option(
                name="ANN (HNSW)",
                strengths=(
                    "Sublinear queries with the highest recall of the ANN indexes here",
                    "No training pass: vectors are added to the graph",
                ),
                weaknesses=(
                    "Extra memory for graph links on top of the full vectors",
                    "Building the graph takes time",
                ),
                pick_when="Recall and latency matter most and the full vectors fit in memory.",
            ),
            Option(
                name="ANN (IVF)",
                strengths=(
                    "Little memory beyond the vectors and a list of centroids",
                    "Probing more lists trades speed for recall",
                ),
                weaknesses=(
                    "Needs a training pass to learn the centroids",
                    "Recall somewhat below HNSW",
                ),
                pick_when="Memory is tighter than for HNSW but full vectors still fit.",
            ),
            Option(
                name="ANN (IVF-PQ)",
                strengths=(
                    "Compressed codes: only M bytes per vector",
                    "Fits billions of vectors in memory",
                ),
                weaknesses=(
                    "Lossy compression lowers recall noticeably",
                    "Needs training for centroids and codebooks",
                ),
                pick_when="Billions of vectors where memory dominates, e.g. visual search.",
            ),
        ),
        facts=(
            "Faiss: HNSW takes about (4d + 8M) bytes per vector for d dimensions and M links "
            f"({_FAISS})",
            f"Faiss: product quantization stores M bytes per vector ({_FAISS})",
            "Faiss: IVF uses 4–16√N centroids below 1M vectors, and 2¹⁶–2²⁰ centroids up to 1B "
            f"vectors ({_FAISS})",
            "Recall@10 is roughly 98% for HNSW, 95% for IVF_FLAT and 80% for IVF_PQ "
            "(Milvus, illustrative)",
        ),
    ),
    Tradeoff(
        name="two-tower-vs-cross-encoder",
        title="Two-tower (bi-encoder) vs cross-encoder",
        question="Encode query and item apart and compare vectors, or score each pair jointly?",
        options=(
            Option(
                name="Two-tower (bi-encoder)",
                strengths=(
                    "Item vectors are precomputed and indexed for ANN retrieval",
                    "Fast: one query encoding plus a vector search",
                ),
                weaknesses=(
                    "Less accurate: query and item never attend to each other",
                    "One vector per item limits what the score can capture",
                ),
                pick_when="Retrieval or candidate generation over millions of items.",
            ),
            Option(
                name="Cross-encoder",
                strengths=(
                    "Most accurate: reads query and item together",
                    "Captures fine-grained interactions between the two",
                ),
                weaknesses=(
                    "No indexable vectors: every pair needs a full model pass",
                    "Far too slow to score a whole collection",
                ),
                pick_when="Scoring a short candidate list where accuracy matters most.",
            ),
            Option(
                name="Retrieve then re-rank",
                strengths=(
                    "Bi-encoder speed with cross-encoder accuracy at the top",
                    "A light retriever feeds a heavy ranker",
                ),
                weaknesses=(
                    "Two models to train, serve and monitor",
                    "Recall is capped by the retrieval stage",
                ),
                pick_when="Search, RAG and recommendation over large collections.",
            ),
        ),
        facts=(
            "SBERT: finding the most similar pair among 10K sentences takes about 65 hours with a "
            "cross-encoder and about 5 seconds with a bi-encoder (arXiv 1908.10084)",
            "Cross-encoders score better but give no indexable vectors, so retrieve about 100 "
            "candidates and re-rank them (sbert.net retrieve_rerank)",
            "The book's light candidate generation then heavy ranker follows the same logic "
            "(Aminian & Xu)",
        ),
    ),
    Tradeoff(
        name="matrix-factorization-vs-two-tower",
        title="Matrix factorization vs two-tower",
        question=(
            "Learn user and item embeddings from the interaction matrix alone, or from features "
            "with two towers?"
        ),
        options=(
            Option(
                name="Matrix factorization (WALS)",
                strengths=(
                    "Cheap to train and serve",
                    "Needs only the user-item interaction matrix",
                ),
                weaknesses=(
                    "Static: embeddings exist only for IDs seen in training",
                    "Cannot use user, item or context features",
                    "No embedding for new users (cold start)",
                ),
                pick_when="Interactions are plentiful, features are few and new users are rare.",
            ),
            Option(
                name="Two-tower",
                strengths=(
                    "Uses user, item and context features",
                    "Handles new users from features such as demographics",
                ),
                weaknesses=(
                    "Costlier to train and serve than matrix factorization",
                    "Needs feature pipelines for both towers",
                ),
                pick_when="Many new users or items and rich features, e.g. video recommendation.",
            ),
        ),
        facts=(
            "Matrix factorization is cheaper and static; two-tower uses features and handles new "
            "users (aman.ai/h/des/video-recommendation)",
            "The book's video recommender (10B videos, at most 200 ms) weighs MF (WALS) against "
            "two-tower and uses two-tower with CE loss (aman.ai/h/des/video-recommendation)",
        ),
    ),
    Tradeoff(
        name="feature-store-vs-ad-hoc-features",
        title="Feature store vs ad-hoc feature pipelines",
        question="Serve features from a shared feature store, or compute them per model?",
        options=(
            Option(
                name="Feature store",
                strengths=(
                    "Point-in-time joins build leak-free training sets",
                    "Same definitions offline and online: less training/serving skew",
                    "Online store serves features at low latency",
                    "Features are reused across models and teams",
                ),
                weaknesses=(
                    "Another system to run, with storage and sync costs",
                    "Setup work slows down the first model",
                ),
                pick_when=(
                    "Several models share features, or serving needs fresh features that match "
                    "training."
                ),
            ),
            Option(
                name="Ad-hoc feature pipelines",
                strengths=(
                    "Fast to start, with no extra infrastructure",
                    "Full control for a single model",
                ),
                weaknesses=(
                    "Training and serving code can diverge (skew)",
                    "Point-in-time correctness is easy to get wrong",
                    "Little reuse: work is duplicated across models",
                ),
                pick_when="A single-model prototype.",
            ),
        ),
        facts=(
            "A feature store gives point-in-time joins, less training/serving skew, online stores "
            "and reuse (docs.feast.dev quickstart)",
        ),
    ),
    Tradeoff(
        name="class-imbalance-handling",
        title="Handling class imbalance",
        question="How should a model learn when one class is rare?",
        options=(
            Option(
                name="Downsampling + upweighting",
                strengths=(
                    "Fewer majority examples: faster training, more positives per batch",
                    "Upweighting by the same factor keeps predictions unbiased",
                ),
                weaknesses=(
                    "Throws away majority-class data",
                    "Without upweighting, probabilities must be recalibrated",
                ),
                pick_when="Huge data sets with a vast majority class, e.g. ad impressions.",
            ),
            Option(
                name="Resampling",
                strengths=(
                    "Simple: change the data, not the model",
                    "Oversampling keeps all the majority data",
                ),
                weaknesses=(
                    "Oversampling repeats minority examples and risks overfitting",
                    "Undersampling discards information",
                ),
                pick_when="Moderate imbalance on smaller data sets.",
            ),
            Option(
                name="Focal / class-balanced loss",
                strengths=(
                    "Keeps all data and reweights inside the loss",
                    "Focal loss concentrates on hard, misclassified examples",
                ),
                weaknesses=(
                    "Extra hyperparameters to tune",
                    "Does not cut training cost the way downsampling does",
                ),
                pick_when="Extreme imbalance or multi-task heads, e.g. harmful-content models.",
            ),
        ),
        facts=(
            "Imbalance is mild at 20–40% minority, moderate at 1–20% and extreme below 1% "
            f"({_MLCC})",
            f"Downsample the majority class by a factor F and upweight it by the same F ({_MLCC})",
            "After downsampling negatives at rate w, recalibrate with q = p / (p + (1−p)/w); "
            "Facebook used w = 0.025 (Facebook ads paper)",
        ),
    ),
    Tradeoff(
        name="distribution-shift-detection",
        title="Detecting distribution shift",
        question="How do you tell that live inputs or predictions have drifted from training?",
        options=(
            Option(
                name="Univariate tests (KS, quantiles)",
                strengths=(
                    "Simple per-feature checks that are easy to read",
                    "Point straight at the feature that moved",
                ),
                weaknesses=(
                    "Blind to shifts in how features move together",
                    "Many features mean many tests and false alarms",
                ),
                pick_when="Per-feature monitoring of a modest number of features.",
            ),
            Option(
                name="Multivariate test (MMD)",
                strengths=(
                    "Catches shifts in the joint distribution of features",
                    "Works on embeddings and other high-dimensional inputs",
                ),
                weaknesses=(
                    "Costly on large samples",
                    "Hard to say which feature moved",
                ),
                pick_when="Embeddings or correlated features where joint shift matters.",
            ),
            Option(
                name="TFDV (L∞, Jensen–Shannon)",
                strengths=(
                    "Ready-made skew and drift checks against a data schema",
                    "Per-feature thresholds raise anomalies automatically",
                ),
                weaknesses=(
                    "Thresholds must be tuned per feature",
                    "Tied to TensorFlow Extended (TFX) tooling",
                ),
                pick_when="Pipelines already built on TFX.",
            ),
            Option(
                name="PSI",
                strengths=(
                    "One number per feature with conventional alert bands",
                    "Widely used and easy to explain",
                ),
                weaknesses=(
                    "Depends on the binning chosen",
                    "Univariate: blind to joint shifts",
                ),
                pick_when="Tabular features monitored against fixed bins from training.",
            ),
            Option(
                name="Prediction drift",
                strengths=(
                    "Early signal that needs no labels",
                    "One check on the model output instead of every input",
                ),
                weaknesses=(
                    "Does not say which input moved",
                    "Misses concept shift when the output distribution stays put",
                ),
                pick_when="Always, as a cheap early warning before labels arrive.",
            ),
        ),
        facts=(
            "Shift types: covariate (the input distribution changes), label (the label "
            "distribution changes) and concept (the input-to-label relation changes) (DMLS ch8)",
            "Compare quantiles, or test with KS for one variable and MMD for many "
            "(DMLS ch8; UofT-DSI/production 07_monitoring.md)",
            "TFDV measures drift with L∞ distance and Jensen–Shannon divergence "
            "(tensorflow.org/tfx/guide/tfdv)",
            "A PSI above 0.25 means a major shift (hackingnote.com/en/machine-learning/psi)",
            "Prediction drift is an early signal of shift (DMLS ch8)",
            "Models fail mainly from distribution shift; fix with more data and retraining "
            f"({_FRAMEWORK})",
        ),
    ),
    Tradeoff(
        name="shadow-vs-ab-vs-canary",
        title="Shadow vs A/B vs canary: testing in production",
        question="How do you try a new model on live traffic before it replaces the old one?",
        options=(
            Option(
                name="Shadow deployment",
                strengths=(
                    "No user risk: the new model's outputs are logged, not shown",
                    "Compares both models on identical live requests",
                ),
                weaknesses=(
                    "Doubles inference cost while it runs",
                    "No user reactions, so no online business metrics",
                ),
                pick_when="A first check of a new model's errors, latency and predictions.",
            ),
            Option(
                name="A/B test",
                strengths=(
                    "Measures the causal effect on business metrics",
                    "Standard statistics decide significance",
                ),
                weaknesses=(
                    "Needs a truly random split of traffic",
                    "Needs enough samples, so it costs time and traffic",
                ),
                pick_when="Deciding whether a new model improves online metrics.",
            ),
            Option(
                name="Canary release",
                strengths=(
                    "Limits the blast radius: a small slice of traffic first",
                    "Easy to roll back when errors or metrics regress",
                ),
                weaknesses=(
                    "A small slice gives little statistical power",
                    "Some users do see a bad model",
                ),
                pick_when="Rolling out a model that passed offline and shadow checks.",
            ),
            Option(
                name="Interleaving",
                strengths=(
                    "Each user sees one list mixing results from both rankers",
                    "Detects a preference with fewer users than an A/B test",
                ),
                weaknesses=(
                    "Only for ranked lists",
                    "Measures preference, not long-term business metrics",
                ),
                pick_when="Comparing ranking or recommendation models quickly.",
            ),
            Option(
                name="Bandits",
                strengths=(
                    "Shifts traffic toward the better model while testing",
                    "Wastes less traffic on a losing model",
                ),
                weaknesses=(
                    "More complex to build and to analyse",
                    "Needs fast, frequent reward feedback",
                ),
                pick_when="Several variants, quick rewards and a high cost for a bad variant.",
            ),
        ),
        facts=(
            "Shadow deployment runs both models on every request, doubling inference cost "
            f"({_FRAMEWORK})",
            f"A/B tests need a random split of traffic and enough samples ({_FRAMEWORK})",
            "Roll agents out from shadow mode to draft-only to limited auto-action "
            "(alirezadir/Agentic-AI-Systems)",
        ),
    ),
)

TRADEOFFS: dict[str, Tradeoff] = {tradeoff.name: tradeoff for tradeoff in TABLE}


def names() -> list[str]:
    return [tradeoff.name for tradeoff in TABLE]


def unknown_tradeoff_message(name: str) -> str:
    hint = suggest(name, names())
    return f"unknown trade-off '{shown(name)}'{hint}; `mlsd tradeoffs` lists them"


def lookup(name: str) -> Tradeoff:
    """The trade-off called `name`; KeyError (with a did-you-mean hint) when there is none."""
    try:
        return TRADEOFFS[name]
    except KeyError:
        raise KeyError(unknown_tradeoff_message(name)) from None
