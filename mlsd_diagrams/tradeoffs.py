"""The trade-off library: well-known ML system design decisions, one explicit table.

A design spec names an entry and records its choice:
`tradeoffs: [{name: ann-vs-exact-search, choice: "ANN (HNSW)", reason: "..."}]`.
The write-up renders each entry as a Markdown table of options plus a list of facts, so every
strength and weakness is short (at most 90 characters) and no text holds `|` or a newline.
Each entry names its `numbers`: a function of the quantify package that computes the
trade-off's numbers from the design citing it (memory for this N and d, replay hours...).
Text is about the decision, never about another case study: a write-up's trade-off section
speaks of its own design.

Facts are the quantified or sourced points of the project's domain reference (DOMAIN.md section 3,
plus a few from sections 1, 2 and 4), in our own words, each ending with its source in
parentheses. To add a trade-off, add one entry to TABLE.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import quantify as q
from .catalog import suggest
from .errors import shown


@dataclass(frozen=True)
class Option:
    """One way to make the decision."""

    name: str
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    pick_when: str
    check: q.Check | None = None
    """Says why a design that picks this option contradicts `pick_when` at its own scale."""


@dataclass(frozen=True)
class Tradeoff:
    """One decision with its options and the facts that inform it."""

    name: str
    title: str
    question: str
    options: tuple[Option, ...]
    facts: tuple[str, ...]
    numbers: q.Numbers


_FAISS = "github.com/facebookresearch/faiss/wiki/Guidelines-to-choose-an-index"
_HUYEN_REAL_TIME = (
    "huyenchip.com/2022/01/02/real-time-machine-learning-challenges-and-solutions.html"
)
_MLCC = "developers.google.com/machine-learning/crash-course/overfitting/imbalanced-datasets"
_FRAMEWORK = "aman.ai/mlsysdes/framework"

TABLE: tuple[Tradeoff, ...] = (
    Tradeoff(
        name="lambda-vs-kappa",
        numbers=q.lambda_vs_kappa,
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
        numbers=q.batch_vs_online,
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
                    "Inputs change slowly and the set to score is bounded, e.g. a graph "
                    "recommendation refreshed weekly."
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
                pick_when="Freshness drives the metric, e.g. reacting to the current session.",
            ),
        ),
        facts=(
            "Batch prediction favors throughput and online prediction favors latency (DMLS ch7)",
            "Batch prediction wastes work: if only 20% of users log in on a day, about 80% of the "
            "precomputed results go unused (DMLS ch7)",
            "Huyen's stages: batch, then online with batch features, then streaming features, "
            f"which need a feature store ({_HUYEN_REAL_TIME})",
        ),
    ),
    Tradeoff(
        name="online-learning-vs-periodic-retraining",
        numbers=q.online_vs_periodic,
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
                    "Freshness moves the metric and the model is a neural network or linear model."
                ),
            ),
        ),
        facts=(
            "Daily instead of weekly retraining lowered normalized entropy by about 1% in a "
            "published CTR model (He et al. 2014)",
            "GBDT plus logistic regression beat either model alone by more than 3% in the same "
            "study (He et al. 2014)",
            "Grubhub: stateful incremental training cut training cost 45× and raised purchase-"
            "through rate by 20% (arXiv 2107.07106)",
        ),
    ),
    Tradeoff(
        name="cloud-vs-on-device",
        numbers=q.cloud_vs_device,
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
        numbers=q.ann_vs_exact,
        title="Approximate (ANN) vs exact nearest-neighbour search",
        question="Compare the query with every vector exactly, or search an approximate index?",
        options=(
            Option(
                name="Exact search",
                check=q.exact_fits_budget,
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
                check=q.hnsw_fits_memory,
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
                check=q.compression_needed,
                strengths=(
                    "Compressed codes: only M bytes per vector",
                    "Fits billions of vectors in memory",
                ),
                weaknesses=(
                    "Lossy compression lowers recall noticeably",
                    "Needs training for centroids and codebooks",
                ),
                pick_when="Billions of vectors where memory dominates.",
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
        numbers=q.two_tower_vs_cross,
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
        numbers=q.mf_vs_two_tower,
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
                pick_when="Many new users or items and rich features.",
            ),
        ),
        facts=(
            "Matrix factorization is cheaper and static; two-tower uses features and handles new "
            "users (aman.ai/h/des/video-recommendation)",
            "MF is typically trained with WALS; a two-tower model trained with a softmax (CE) "
            "loss embeds a new user from features without retraining "
            "(aman.ai/h/des/video-recommendation)",
        ),
    ),
    Tradeoff(
        name="feature-store-vs-ad-hoc-features",
        numbers=q.feature_store,
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
        numbers=q.class_imbalance,
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
                pick_when="Huge data sets with a vast majority class, e.g. sub-1% click rates.",
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
                pick_when="Extreme imbalance or multi-task heads with rare positives.",
            ),
        ),
        facts=(
            "Imbalance is mild at 20–40% minority, moderate at 1–20% and extreme below 1% "
            f"({_MLCC})",
            f"Downsample the majority class by a factor F and upweight it by the same F ({_MLCC})",
            "After downsampling negatives at rate w, recalibrate with q = p / (p + (1−p)/w); "
            "A published CTR model downsampled negatives at w = 0.025 (He et al. 2014)",
        ),
    ),
    Tradeoff(
        name="distribution-shift-detection",
        numbers=q.shift_detection,
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
        numbers=q.shadow_ab_canary,
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
        ),
    ),
    Tradeoff(
        name="embedding-dimension",
        title="Embedding dimension: memory vs recall",
        question="How many dimensions should the embeddings have?",
        numbers=q.embedding_dimension,
        options=(
            Option(
                name="Small d (32–64)",
                strengths=("Small index, cheap exact or ANN search", "Fast to train and serve"),
                weaknesses=("Less room to separate items: lower recall on fine distinctions",),
                pick_when="Memory or latency binds and items differ in few ways.",
            ),
            Option(
                name="Large d (256–1024)",
                strengths=("Captures fine-grained similarity", "Higher recall at the same k"),
                weaknesses=(
                    "Memory and search cost grow linearly with d",
                    "More data to train well",
                ),
                pick_when="Recall drives the metric and memory is affordable at this N.",
            ),
        ),
        facts=(
            "A flat index stores N × d × 4 B and scans N × d multiply-adds per query, so both "
            f"grow linearly with d ({_FAISS})",
        ),
    ),
    Tradeoff(
        name="vector-precision",
        title="fp32 vs fp16 vs int8 vs product quantization",
        question="At what precision are vectors stored and searched?",
        numbers=q.vector_precision,
        options=(
            Option(
                name="fp32",
                strengths=("Exact distances",),
                weaknesses=("4 B per value: the largest index",),
                pick_when="The index fits in RAM comfortably.",
            ),
            Option(
                name="fp16",
                strengths=("Half the memory with almost no loss in recall",),
                weaknesses=("Still 2 B per value",),
                pick_when="A 2× saving is enough.",
            ),
            Option(
                name="int8 (scalar quantization)",
                strengths=("A quarter of fp32's memory", "Fast integer arithmetic"),
                weaknesses=("Needs per-dimension ranges; small recall loss",),
                pick_when="A 4× saving is needed and recall may drop slightly.",
            ),
            Option(
                name="Product quantization (PQ)",
                strengths=("m bytes per vector: 10–60× smaller", "Billions of vectors per machine"),
                weaknesses=("Approximate distances: lower recall", "Needs training codebooks"),
                pick_when="Memory dominates, typically at hundreds of millions of vectors or more.",
            ),
        ),
        facts=(
            "PQ with m sub-quantisers of 8 bits stores m bytes per vector plus small codebooks "
            "(Jégou et al. 2011)",
            f"8-bit scalar quantization stores 1 byte per dimension, a quarter of fp32 ({_FAISS})",
        ),
    ),
    Tradeoff(
        name="offline-vs-online-features",
        title="Offline (precomputed) vs online (on-request) features",
        question="Compute features in batch ahead of time, or when the request arrives?",
        numbers=q.offline_vs_online_features,
        options=(
            Option(
                name="Offline (batch) features",
                strengths=("Heavy aggregates are cheap in bulk", "Serving is a key-value lookup"),
                weaknesses=("As stale as the last run", "Computed for entities never requested"),
                pick_when="Features change slowly (demographics, long-term aggregates).",
            ),
            Option(
                name="Online (on-request) features",
                strengths=("Fresh: uses the live request and session", "No precomputation waste"),
                weaknesses=("Adds latency to every request", "Two implementations risk skew"),
                pick_when="The feature is cheap and its freshness moves the metric.",
            ),
        ),
        facts=(
            "Log the features used at serving time and train on them to avoid training-serving "
            "skew (developers.google.com/machine-learning/guides/rules-of-ml)",
        ),
    ),
    Tradeoff(
        name="real-time-vs-micro-batch",
        title="Real-time streaming vs micro-batch (near real-time)",
        question="Process each event as it arrives, or in small batches every few seconds?",
        numbers=q.real_time_vs_micro_batch,
        options=(
            Option(
                name="Event-at-a-time streaming",
                strengths=("Lowest latency: milliseconds", "Per-event state and windows"),
                weaknesses=("Harder to operate and to make exactly-once",),
                pick_when="Seconds of delay cost money (fraud, bidding).",
            ),
            Option(
                name="Micro-batch",
                strengths=("Batch code and tooling reused", "Higher throughput per machine"),
                weaknesses=("Latency of at least one batch interval",),
                pick_when="Freshness of seconds to minutes is enough.",
            ),
        ),
        facts=(
            "Spark Structured Streaming's micro-batches reach end-to-end latencies of about "
            "100 ms; its continuous mode about 1 ms (spark.apache.org structured streaming guide)",
        ),
    ),
    Tradeoff(
        name="model-compression",
        title="Distillation vs pruning vs quantization",
        question="How do you make the model cheaper to serve?",
        numbers=q.compression,
        options=(
            Option(
                name="Knowledge distillation",
                strengths=("A small student keeps most of a large teacher's quality",),
                weaknesses=("Needs a second training run and the teacher's outputs",),
                pick_when="The large model is too slow and a retrain is affordable.",
            ),
            Option(
                name="Pruning",
                strengths=("Removes weights or channels that matter little",),
                weaknesses=("Unstructured sparsity rarely speeds up dense hardware",),
                pick_when="Structured pruning maps onto the serving hardware.",
            ),
            Option(
                name="Quantization",
                strengths=("Smaller model, faster arithmetic, little retraining",),
                weaknesses=("Some accuracy loss; calibration data needed",),
                pick_when="A quick 2–4× saving with a small accuracy budget.",
            ),
        ),
        facts=(
            "Distillation trains a small student on a large teacher's softened outputs "
            "(Hinton et al. 2015)",
            "DistilBERT keeps about 97% of BERT's language understanding with 40% fewer "
            "parameters and runs 60% faster (Sanh et al. 2019)",
        ),
    ),
    Tradeoff(
        name="gpu-vs-cpu-serving",
        title="GPU vs CPU serving, and batching",
        question="Serve the model on CPUs, or on GPUs with batched requests?",
        numbers=q.gpu_vs_cpu,
        options=(
            Option(
                name="CPU",
                strengths=("Cheap, plentiful, simple autoscaling", "No batching delay"),
                weaknesses=("Slow for large neural networks",),
                pick_when="Small models (GBDT, small MLPs) or low traffic.",
            ),
            Option(
                name="GPU with dynamic batching",
                strengths=("High throughput per dollar for large models",),
                weaknesses=("Batching adds queueing delay", "Costly when idle"),
                pick_when="Large neural models at high, steady traffic.",
            ),
        ),
        facts=(
            "Dynamic batching groups requests on the server to raise GPU throughput at the cost "
            "of a small queueing delay (docs.nvidia.com/deeplearning/triton-inference-server)",
        ),
    ),
    Tradeoff(
        name="llm-finetuning-vs-rag-vs-prompting",
        title="LLM fine-tuning vs RAG vs prompting",
        question="How does the LLM get the knowledge and behaviour the product needs?",
        numbers=q.llm_customisation,
        options=(
            Option(
                name="Prompting",
                strengths=("No training, fastest to change",),
                weaknesses=("Limited by the context window and the base model's knowledge",),
                pick_when="The base model knows enough and the task fits in a prompt.",
            ),
            Option(
                name="RAG",
                strengths=("Fresh, citable knowledge; update by re-indexing",),
                weaknesses=("Longer prompts cost tokens", "Retrieval errors become answer errors"),
                pick_when="Answers depend on private or changing documents.",
            ),
            Option(
                name="Fine-tuning",
                strengths=("Teaches style, format or a narrow skill", "Shorter prompts"),
                weaknesses=("Training cost; knowledge frozen at training time",),
                pick_when="Prompting and RAG fall short on behaviour, not knowledge.",
            ),
        ),
        facts=(
            "RAG conditions generation on retrieved passages, so knowledge updates by swapping "
            "the index, without retraining (Lewis et al. 2020)",
            "Fine-tune to use retrieved documents (RAFT) only if prompting and RAG fall short "
            "(aman.ai/h/des/rag)",
        ),
    ),
    Tradeoff(
        name="caching",
        title="Result, embedding and semantic caching",
        question="What do you cache, and how stale may it be?",
        numbers=q.caching,
        options=(
            Option(
                name="Result cache",
                strengths=("Exact repeats cost nothing",),
                weaknesses=("Stale until invalidated", "Low hit rate on personalised results"),
                pick_when="Popular, repeated requests with slowly changing answers.",
            ),
            Option(
                name="Embedding cache",
                strengths=("Skips the encoder for known items or queries",),
                weaknesses=("Must be rebuilt when the encoder changes",),
                pick_when="The encoder is costly and inputs repeat.",
            ),
            Option(
                name="Semantic cache",
                strengths=("Reuses answers to similar, not only identical, prompts",),
                weaknesses=("A loose threshold serves wrong answers",),
                pick_when="LLM calls dominate cost and many prompts are paraphrases.",
            ),
        ),
        facts=(
            "A semantic cache reuses answers to similar prompts and needs a similarity threshold "
            "to avoid wrong hits (huyenchip.com/2024/07/25/genai-platform.html)",
        ),
    ),
    Tradeoff(
        name="workflow-vs-agent",
        title="Workflow vs agent",
        question="Follow a fixed sequence of LLM calls, or let the model choose its steps?",
        numbers=q.workflow_vs_agent,
        options=(
            Option(
                name="Workflow",
                strengths=("Predictable steps, cost and latency", "Easy to test"),
                weaknesses=("Cannot handle tasks outside its path",),
                pick_when="The steps are known in advance.",
            ),
            Option(
                name="Agent",
                strengths=("Handles open-ended tasks", "Chooses tools as it goes"),
                weaknesses=("More calls: higher cost and latency", "Loops and errors compound"),
                pick_when="The steps cannot be fixed ahead and errors are recoverable.",
            ),
        ),
        facts=(
            "Start with the simplest solution; agents trade latency and cost for flexibility "
            "(anthropic.com/research/building-effective-agents)",
            "Roll agents out from shadow mode to draft-only to limited auto-action "
            "(alirezadir/Agentic-AI-Systems)",
        ),
    ),
    Tradeoff(
        name="small-vs-large-model-routing",
        title="Small vs large model, and routing between them",
        question="Send every request to the best model, or route easy ones to a cheaper one?",
        numbers=q.model_routing,
        options=(
            Option(
                name="One large model",
                strengths=("Best quality on every request", "One model to evaluate"),
                weaknesses=("Highest cost and latency per request",),
                pick_when="Traffic is small or every request is hard.",
            ),
            Option(
                name="Router: small first, large when needed",
                strengths=("Most requests at a fraction of the cost",),
                weaknesses=("A router to build; misroutes lower quality",),
                pick_when="Traffic is large and most requests are easy.",
            ),
        ),
        facts=(
            "A gateway can route each query to the model that fits it, simple queries to a "
            "cheaper model (huyenchip.com/2024/07/25/genai-platform.html)",
        ),
    ),
    Tradeoff(
        name="pointwise-vs-pairwise-vs-listwise",
        title="Pointwise vs pairwise vs listwise ranking",
        question="Learn a score per item, a preference per pair, or the order of a whole list?",
        numbers=q.ltr_losses,
        options=(
            Option(
                name="Pointwise",
                strengths=("Simple; calibrated probabilities (CTR)",),
                weaknesses=("Ignores the relative order the metric cares about",),
                pick_when="Scores are used as probabilities (pricing, thresholds).",
            ),
            Option(
                name="Pairwise",
                strengths=("Optimises relative order directly",),
                weaknesses=("k(k − 1)/2 pairs per list", "Scores not calibrated"),
                pick_when="Order matters and lists are short.",
            ),
            Option(
                name="Listwise",
                strengths=("Optimises a list metric such as nDCG",),
                weaknesses=("Harder to train and to debug",),
                pick_when="The top of the list is what users see.",
            ),
        ),
        facts=(
            "RankNet learns from pairs; LambdaMART weights each pair by its change in nDCG "
            "(Burges 2010, MSR-TR-2010-82)",
        ),
    ),
    Tradeoff(
        name="early-vs-late-fusion",
        title="Early vs late fusion of modalities",
        question="Combine text, image and video before one model, or combine separate models?",
        numbers=q.fusion,
        options=(
            Option(
                name="Early fusion",
                strengths=("One model sees all modalities and their interactions",),
                weaknesses=("Needs training data with every modality together",),
                pick_when="Meaning comes from the combination (a harmless image, harmful caption).",
            ),
            Option(
                name="Late fusion",
                strengths=("Separate models train and improve independently",),
                weaknesses=("Misses cross-modal cues", "One model pass per modality"),
                pick_when="Modalities are informative alone and teams own them separately.",
            ),
        ),
        facts=(
            "Early fusion captures interactions between modalities; late fusion is easier to "
            "train but misses them (Aminian & Xu ch. 5)",
        ),
    ),
    Tradeoff(
        name="multi-task-vs-separate-models",
        title="Multi-task model vs separate models",
        question="One model with a head per task, or one model per task?",
        numbers=q.multi_task,
        options=(
            Option(
                name="Multi-task",
                strengths=("One shared trunk: one pass serves every task", "Tasks share data"),
                weaknesses=("Tasks can hurt each other (negative transfer)",),
                pick_when="Tasks are related and serving cost matters.",
            ),
            Option(
                name="Separate models",
                strengths=("Each task tuned and shipped on its own",),
                weaknesses=("One pass per task at serving", "Duplicated pipelines"),
                pick_when="Tasks are unrelated or owned by different teams.",
            ),
        ),
        facts=(
            "Multi-task learning shares representations across related tasks (Caruana 1997)",
            "MMoE gates shared experts per task to reduce negative transfer (Ma et al. 2018)",
        ),
    ),
    Tradeoff(
        name="label-sources",
        title="Hand vs natural vs self-supervised labels",
        question="Where do the training labels come from?",
        numbers=q.label_sources,
        options=(
            Option(
                name="Natural labels",
                strengths=("Free and plentiful (clicks, purchases)",),
                weaknesses=("Noisy proxies; delayed feedback",),
                pick_when="User behaviour reveals the target.",
            ),
            Option(
                name="Hand labels",
                strengths=("Precise, policy-aware labels",),
                weaknesses=("Expensive, slow, need experts and privacy care",),
                pick_when="The target is a judgement (policy, relevance) users do not reveal.",
            ),
            Option(
                name="Self-supervised",
                strengths=("Learns from unlabelled data at scale",),
                weaknesses=("Pretext task may not match the real task",),
                pick_when="Pretraining representations before a small labelled fine-tune.",
            ),
        ),
        facts=(
            "Hand labels are expensive, slow and need domain experts; natural labels arrive "
            "after a feedback delay (DMLS ch4)",
        ),
    ),
    Tradeoff(
        name="explore-vs-exploit",
        title="Explore vs exploit",
        question="Always show the predicted best, or spend some traffic learning about the rest?",
        numbers=q.explore_exploit,
        options=(
            Option(
                name="Pure exploitation",
                strengths=("Best short-term metric",),
                weaknesses=("Feedback loop: new items never get data",),
                pick_when="The catalog is stable and well measured.",
            ),
            Option(
                name="ε-greedy or bandits",
                strengths=("New items earn data", "Breaks popularity feedback loops"),
                weaknesses=("Costs a share of traffic", "Harder offline evaluation"),
                pick_when="New items arrive often or the model shapes its own data.",
            ),
        ),
        facts=(
            "ε-greedy explores a fixed share of traffic; contextual bandits such as LinUCB explore "
            "where uncertainty is high (Li et al. 2010)",
        ),
    ),
    Tradeoff(
        name="single-vs-multi-stage-funnel",
        title="Single-stage vs multi-stage funnel",
        question="Score the whole catalog with one model, or narrow it in stages?",
        numbers=q.funnel,
        options=(
            Option(
                name="Single stage",
                strengths=("One model, one pipeline",),
                weaknesses=("Cost grows with the catalog on every request",),
                pick_when="The catalog is small enough to score per request.",
            ),
            Option(
                name="Multi-stage (retrieve, rank, re-rank)",
                strengths=("A heavy ranker runs on hundreds, not millions",),
                weaknesses=("Recall lost early cannot be recovered", "More models to keep in sync"),
                pick_when="Millions of items and a budget of a few hundred ms.",
            ),
        ),
        facts=(
            "Candidate generation narrows millions of items to hundreds so that a richer ranker "
            "can afford its features (Covington et al. 2016)",
        ),
    ),
    Tradeoff(
        name="index-sharding-and-replication",
        title="Index sharding and replication",
        question="How is a large index split across machines, and how many copies serve queries?",
        numbers=q.sharding,
        options=(
            Option(
                name="Shard by item",
                strengths=("Any index size fits", "Build shards in parallel"),
                weaknesses=("Every query fans out to every shard: tail latency grows",),
                pick_when="The index does not fit one machine.",
            ),
            Option(
                name="Replicate whole indexes",
                strengths=("No fan-out", "Throughput grows with replicas"),
                weaknesses=("Each replica must hold the whole index",),
                pick_when="The index fits one machine and QPS is the limit.",
            ),
        ),
        facts=(
            "Fan-out to many shards amplifies tail latency: the slowest shard sets the response "
            "time (Dean & Barroso 2013)",
        ),
    ),
    Tradeoff(
        name="negative-sampling",
        title="Negative sampling: random, in-batch, hard, logQ correction",
        question="Which negatives does a retrieval model learn from?",
        numbers=q.negative_sampling,
        options=(
            Option(
                name="Random negatives",
                strengths=("Unbiased over the catalog",),
                weaknesses=("Too easy; extra item-tower passes",),
                pick_when="Small catalogs or a first baseline.",
            ),
            Option(
                name="In-batch negatives",
                strengths=("Free: other examples of the batch",),
                weaknesses=("Over-penalise popular items without a correction",),
                pick_when="Large batches and a logQ correction.",
            ),
            Option(
                name="Hard negatives",
                strengths=("Sharpen the decision boundary",),
                weaknesses=("Mining cost; some are unlabelled positives",),
                pick_when="The model already separates easy negatives.",
            ),
        ),
        facts=(
            "Subtracting the log of an item's sampling probability (logQ) corrects the popularity "
            "bias of in-batch negatives (Yi et al. 2019)",
            "Adding one BM25 hard negative per question to in-batch negatives improved dense "
            "retrieval (Karpukhin et al. 2020)",
        ),
    ),
    Tradeoff(
        name="time-based-vs-random-split",
        title="Time-based vs random split",
        question="How are training, validation and test data separated?",
        numbers=q.time_split,
        options=(
            Option(
                name="Time-based split",
                strengths=("No future information leaks into training", "Mimics deployment"),
                weaknesses=("Test data shifts from training data",),
                pick_when="Data is time-correlated (behaviour, prices, trends).",
            ),
            Option(
                name="Random split",
                strengths=("Train and test share a distribution", "Simple"),
                weaknesses=("Leaks future information when data is time-correlated",),
                pick_when="Examples are independent of time (static images).",
            ),
        ),
        facts=(
            "Splitting time-correlated data randomly leaks future information into training "
            "(DMLS ch5)",
        ),
    ),
    Tradeoff(
        name="calibration",
        title="Calibration: Platt vs isotonic",
        question="How are scores turned into probabilities that mean what they say?",
        numbers=q.calibration,
        options=(
            Option(
                name="Platt scaling",
                strengths=("2 parameters: works on small calibration sets",),
                weaknesses=("Assumes a sigmoid-shaped distortion",),
                pick_when="Few labelled examples, or a sigmoid-like distortion.",
            ),
            Option(
                name="Isotonic regression",
                strengths=("Fits any monotone distortion",),
                weaknesses=("Overfits small calibration sets",),
                pick_when="Plenty of labelled examples (thousands of positives).",
            ),
        ),
        facts=(
            "Platt scaling suits small calibration sets; isotonic regression needs more data or "
            "it overfits (Niculescu-Mizil & Caruana 2005)",
        ),
    ),
    Tradeoff(
        name="threshold-and-operating-point",
        title="Threshold and cost-sensitive operating point",
        question="Where does the decision threshold sit, and what decides it?",
        numbers=q.operating_point,
        options=(
            Option(
                name="Fixed score threshold",
                strengths=("Simple",),
                weaknesses=("Action volume moves with drift",),
                pick_when="Scores are calibrated and volumes are stable.",
            ),
            Option(
                name="Fixed recall or precision",
                strengths=("Ties the threshold to a quality promise",),
                weaknesses=("Needs fresh labels to re-tune",),
                pick_when="A policy fixes the quality (catch 90% of a harm).",
            ),
            Option(
                name="Fixed decline or review rate",
                strengths=("Caps the volume of actions and reviewer load",),
                weaknesses=("Quality moves with the base rate",),
                pick_when="Reviewers or customer impact cap the volume.",
            ),
            Option(
                name="Cost-minimising threshold",
                strengths=("Uses what each error costs",),
                weaknesses=("Needs calibrated scores and honest costs",),
                pick_when="Errors have known, unequal costs (fraud, moderation).",
            ),
        ),
        facts=("With calibrated p, acting is cheapest when p > c_FP ÷ (c_FP + c_FN) (Elkan 2001)",),
    ),
    Tradeoff(
        name="data-vs-model-parallel-training",
        title="Data-parallel vs model-parallel training",
        question="Copy the model to every GPU, or split the model across GPUs?",
        numbers=q.parallel_training,
        options=(
            Option(
                name="Data parallel",
                strengths=("Simple; scales with the data",),
                weaknesses=("The whole model must fit one GPU",),
                pick_when="The model and its optimizer state fit one GPU.",
            ),
            Option(
                name="Model parallel (tensor, pipeline, sharded tables)",
                strengths=("Trains models larger than one GPU",),
                weaknesses=("Communication between GPUs", "Harder to build"),
                pick_when="Embedding tables or layers outgrow one GPU's memory.",
            ),
        ),
        facts=(
            "DLRM shards large embedding tables across devices and replicates the MLPs "
            "(Naumov et al. 2019)",
            "Megatron-LM splits each layer's matrices across GPUs when a model outgrows one "
            "(Shoeybi et al. 2019)",
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
